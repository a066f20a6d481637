"""Fixtures of the periodicals archive's tests."""

# -- the union catalogue (holdings): ``catalogue`` -----------------------------------------
from tests.periodicals.holdings_helpers import catalogue  # noqa: F401
