# plugin_tests/ run only under the test host site's settings, in their own pytest process
# (test_plugin_site.py starts it); the main suite's settings would give them our site instead.
collect_ignore = ["plugin_tests"]
