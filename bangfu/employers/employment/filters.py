"""The filters of the employment list, declared once for the page, the API and the export."""

import re

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from bangfu.core.filters import Filter, FilterSet
from bangfu.core.sorting import Sort, Sorting
from bangfu.employers.models import MonthlyRecord


def _worked(value: str) -> Q:
    """Employments with a record of days worked in that month (YYYY-MM)."""
    year, month = (int(part) for part in value.split("-"))
    return Q(Exists(MonthlyRecord.objects.filter(employment=OuterRef("pk"), month__year=year, month__month=month,
                                                 days_worked__gt=0)))


def _open(value: str) -> Q:
    return Q(end_date__isnull=value == "1")


EMPLOYMENTS = FilterSet(
    "employment",
    Filter("employer", _("用人单位"), lambda v: Q(employer_id=int(v)), pattern=r"[0-9]{1,12}", max_length=12,
           description="the employer's id"),
    Filter("workshop", _("车间"), lambda v: Q(workshop_id=int(v)), pattern=r"[0-9]{1,12}", max_length=12,
           description="the workshop's id"),
    Filter("open", _("在职"), _open, choices=(("1", _("在职")), ("0", _("已离职"))),
           description="1: still employed, 0: ended"),
    Filter("worked", _("出勤月份"), _worked, pattern=r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])", max_length=7,
           description="worked (days > 0) in this month, YYYY-MM"),
)

SORTS = Sorting(
    "employment",
    Sort("start", _("入职日期"), ("-start_date", "-id")),
    default="start",
)

MONTH = re.compile(r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])")
