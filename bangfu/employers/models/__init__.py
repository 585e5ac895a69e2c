"""The employer side's tables, one module per concern."""

from bangfu.employers.models.employers import Employer, EmployerOperator, Industry, QuotaRule
from bangfu.employers.models.records import Employment, MonthlyRecord
from bangfu.employers.models.workshops import Workshop

__all__ = ["Employer", "EmployerOperator", "Employment", "Industry", "MonthlyRecord", "QuotaRule", "Workshop"]

# The workshops part: lifecycle events, yearly reports, criteria as data, rent relief rules.
from bangfu.employers.models.workshops import (  # noqa: E402
    Comparison,
    CriteriaSet,
    Criterion,
    Purpose,
    RentRule,
    WorkshopEvent,
    WorkshopReport,
)

__all__ += ["Comparison", "CriteriaSet", "Criterion", "Purpose", "RentRule", "WorkshopEvent", "WorkshopReport"]
