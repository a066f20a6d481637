from .applications import Application, ApplicationPhoto
from .members import Kinship, Member, Sex, WorkPeriod
from .pages import (
    CALENDAR_KIND,
    DynastyPage,
    DynastyPhoto,
    DynastyTag,
    FestivalNomination,
    FestivalPage,
    stale_figures,
)

__all__ = [
    "CALENDAR_KIND",
    "Application",
    "ApplicationPhoto",
    "DynastyPage",
    "DynastyPhoto",
    "DynastyTag",
    "FestivalNomination",
    "FestivalPage",
    "Kinship",
    "Member",
    "Sex",
    "WorkPeriod",
    "stale_figures",
]
