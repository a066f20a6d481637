"""A bare Wagtail project with only the shared core (``kuzbib_site.base``) and the plugins
(``events``, ``contests``) installed, as another library partnership's site would have them:
none of our site's pages, demo or settings. ``plugin_tests/`` runs under its settings in a
subprocess (``test_plugin_site.py``), since one pytest process cannot switch INSTALLED_APPS."""
