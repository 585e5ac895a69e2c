"""The employer side's tables, one module per part."""

from bangfu.employers.models.employers import Employer, EmployerOperator, Industry, QuotaRule
from bangfu.employers.models.groups import (
    Appraisal,
    AppraisalEntry,
    Cooperative,
    CoopMember,
    Dispatch,
    DispatchPerson,
    Programme,
    Site,
    SiteMember,
    TeamLeader,
)
from bangfu.employers.models.records import Employment, MonthlyRecord, RosterSubmission
from bangfu.employers.models.workshops import (
    Comparison,
    CriteriaSet,
    Criterion,
    Purpose,
    RentRule,
    Workshop,
    WorkshopEvent,
    WorkshopReport,
)

__all__ = [
    "Appraisal", "AppraisalEntry", "Comparison", "CoopMember", "Cooperative", "CriteriaSet", "Criterion", "Dispatch",
    "DispatchPerson", "Employer", "EmployerOperator", "Employment", "Industry", "MonthlyRecord", "Programme",
    "Purpose", "QuotaRule", "RentRule", "RosterSubmission", "Site", "SiteMember", "TeamLeader", "Workshop",
    "WorkshopEvent", "WorkshopReport",
]
