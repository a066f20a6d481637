from .applicants import Applicant
from .builds import BackgroundBuild
from .directory import Library, Municipality, Person
from .dues import MembershipFee
from .health import WorkerHeartbeat
from .lemmas import LemmaEntry

__all__ = [
    "Applicant",
    "BackgroundBuild",
    "LemmaEntry",
    "Library",
    "MembershipFee",
    "Municipality",
    "Person",
    "WorkerHeartbeat",
]
