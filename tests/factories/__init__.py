from .base import (
    HomePageFactory,
    LibraryFactory,
    LibraryIndexPageFactory,
    MembershipFeeFactory,
    MunicipalityFactory,
    PersonFactory,
    StandardPageFactory,
)
from .events import (
    ConferencePageFactory,
    EventIndexPageFactory,
    ResolutionItemFactory,
    ResolutionPageFactory,
    SectionIndexPageFactory,
    SectionPageFactory,
    SectionSessionPageFactory,
    TalkFactory,
)

__all__ = [
    "ConferencePageFactory",
    "EventIndexPageFactory",
    "ResolutionItemFactory",
    "ResolutionPageFactory",
    "SectionIndexPageFactory",
    "SectionPageFactory",
    "SectionSessionPageFactory",
    "TalkFactory",
    "HomePageFactory",
    "LibraryFactory",
    "LibraryIndexPageFactory",
    "MembershipFeeFactory",
    "MunicipalityFactory",
    "PersonFactory",
    "StandardPageFactory",
]
