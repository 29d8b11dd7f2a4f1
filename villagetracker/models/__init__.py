"""Tables, and the queries that belong to them (as ``select`` builders, not lists),
a module for each area's tables."""

from .accounts import AuditEvent, LoginFailure, Role, User, user_district
from .base import utcnow
from .designations import Designation, DesignationSequence
from .jobs import Job, JobState
from .regions import Level, Region
from .settings import ProgrammeSetting, RegencySetting, RegionPotential
from .spreadsheets import ImportRow, PendingImport
from .villages import Report, Village, WorkerPotential

__all__ = [
    "AuditEvent",
    "Designation",
    "DesignationSequence",
    "ImportRow",
    "Job",
    "JobState",
    "Level",
    "LoginFailure",
    "PendingImport",
    "ProgrammeSetting",
    "RegencySetting",
    "Region",
    "RegionPotential",
    "Report",
    "Role",
    "User",
    "Village",
    "WorkerPotential",
    "user_district",
    "utcnow",
]
