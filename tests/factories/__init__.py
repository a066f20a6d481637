from .base import (
    HomePageFactory,
    LibraryFactory,
    LibraryIndexPageFactory,
    MembershipFeeFactory,
    MunicipalityFactory,
    PersonFactory,
    StandardPageFactory,
)

__all__ = [
    "HomePageFactory",
    "LibraryFactory",
    "LibraryIndexPageFactory",
    "MembershipFeeFactory",
    "MunicipalityFactory",
    "PersonFactory",
    "StandardPageFactory",
]
