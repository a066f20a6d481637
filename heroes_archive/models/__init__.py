from .imports import HeroImport
from .pages import HeroIndexPage, HeroPage, HeroTag
from .records import HeroAward, HeroImage, Memorial, Source
from .vocabularies import AwardKind, Industry, MemorialKind, Relation, Sex, SourceKind

__all__ = [
    "AwardKind",
    "HeroAward",
    "HeroImage",
    "HeroImport",
    "HeroIndexPage",
    "HeroPage",
    "HeroTag",
    "Industry",
    "Memorial",
    "MemorialKind",
    "Relation",
    "Sex",
    "Source",
    "SourceKind",
]
