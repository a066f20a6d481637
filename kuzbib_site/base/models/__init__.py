from .applicants import Applicant
from .directory import Library, Municipality, Person
from .dues import MembershipFee
from .health import WorkerHeartbeat
from .pages import HomePage, HomePageFeatured, LibraryIndexPage, StandardPage

__all__ = [
    "Applicant",
    "HomePage",
    "HomePageFeatured",
    "Library",
    "LibraryIndexPage",
    "MembershipFee",
    "Municipality",
    "Person",
    "StandardPage",
    "WorkerHeartbeat",
]
