from .applicants import Applicant
from .directory import Library, Municipality, Person
from .dues import MembershipFee
from .health import WorkerHeartbeat

__all__ = [
    "Applicant",
    "Library",
    "MembershipFee",
    "Municipality",
    "Person",
    "WorkerHeartbeat",
]
