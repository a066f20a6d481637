from .applicants import Applicant
from .builds import BackgroundBuild
from .directory import Library, Municipality, Person
from .dues import MembershipFee
from .health import WorkerHeartbeat

__all__ = [
    "Applicant",
    "BackgroundBuild",
    "Library",
    "MembershipFee",
    "Municipality",
    "Person",
    "WorkerHeartbeat",
]
