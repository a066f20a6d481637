from .holdings import HeldIssue, Holding, HoldingsImport
from .pages import IssuePage, PeriodicalsIndexPage, TitlePage
from .records import Correction, CorrectionModerator, IssueUpload, Scan

__all__ = [
    "Correction",
    "CorrectionModerator",
    "HeldIssue",
    "Holding",
    "HoldingsImport",
    "IssuePage",
    "IssueUpload",
    "PeriodicalsIndexPage",
    "Scan",
    "TitlePage",
]
