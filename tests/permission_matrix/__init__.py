"""The permission matrix's tables and world: ``routes`` says who gets 200 on which route and
``world`` builds the site, people and users it is requested in. The walk over every route and
the tests are in tests/test_permission_matrix.py."""
