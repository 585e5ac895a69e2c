"""The employer side's tables, one module per concern."""

from bangfu.employers.models.employers import Employer, EmployerOperator, Industry, QuotaRule
from bangfu.employers.models.records import Employment, MonthlyRecord, RosterSubmission
from bangfu.employers.models.workshops import Workshop

__all__ = ["Employer", "EmployerOperator", "Employment", "Industry", "MonthlyRecord", "QuotaRule", "RosterSubmission",
           "Workshop"]
from bangfu.employers.models.groups import (  # noqa: E402
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

__all__ += ["Appraisal", "AppraisalEntry", "CoopMember", "Cooperative", "Dispatch", "DispatchPerson", "Programme",
            "Site", "SiteMember", "TeamLeader"]
