"""The rules for a workshop's record, the same for pages, API and CLI (the actions call these)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.employers import choices as c
from bangfu.employers.models import Workshop, WorkshopReport
from bangfu.employers.organisations.rules import clean_region, collector, whole
from bangfu.registry.validation import allowed, clean_text

TEXT_FIELDS = {"name": 200, "address": 200, "products": 200}
MAX_CAPACITY = 100_000
MAX_RENT = 100_000_000  # yuan a year
MAX_REVENUE = 10**12


def _date(value) -> tuple[datetime.date | None, str | None]:
    if value in (None, ""):
        return None, None
    if isinstance(value, datetime.date):
        return value, None
    try:
        return datetime.date.fromisoformat(str(value).strip()), None
    except ValueError:
        return None, _("日期格式应为 YYYY-MM-DD")


def clean_workshop(data: dict, workshop: Workshop | None = None) -> dict:
    """Field values of a new or changed workshop, or ValidationError naming each bad field (keys not in
    `data` keep the workshop's values)."""
    errors, fail = collector()
    values: dict = {}
    new = workshop is None
    for field, limit in TEXT_FIELDS.items():
        if field in data or (new and field == "name"):
            text, problem = clean_text(data.get(field), limit, name_of=_("车间名称") if field == "name" else None)
            if problem:
                fail(field, problem)
            elif field == "name" and not text:
                fail(field, _("请填写车间名称"))
            else:
                values[field] = text
    for field, choices, missing in (("kind", c.WorkshopKind, _("请选择车间类型")),
                                    ("site", c.WorkshopSite, _("请选择所在地类型"))):
        if field in data or new:
            value = data.get(field) or ""
            if value not in allowed(choices):
                fail(field, missing if not value else _("“%(v)s”不是可选的值") % {"v": value})
            else:
                values[field] = value
    if "region_code" in data or new:
        code = clean_region(data.get("region_code"), fail)
        if code:
            values["region_code"] = code
    for field, limit in (("capacity", MAX_CAPACITY), ("site_rent", MAX_RENT)):
        if field in data:
            number, problem = whole(data.get(field), limit)
            if problem:
                fail(field, problem)
            else:
                values[field] = number if field == "site_rent" else (number or 0)
    if "start_date" in data:
        day, problem = _date(data.get("start_date"))
        if problem:
            fail("start_date", problem)
        elif day is not None and day > timezone.localdate() + datetime.timedelta(days=366):
            fail("start_date", _("投产日期不能晚于明年"))
        else:
            values["start_date"] = day
    if errors:
        raise ValidationError(errors)
    return values


def clean_report(data: dict, workshop: Workshop, report: WorkshopReport | None = None) -> dict:
    """A yearly report's values: the year (not in the future, one report a year), revenue, wages."""
    errors, fail = collector()
    values: dict = {}
    year, problem = whole(data.get("year", getattr(report, "year", None)), 9999)
    this_year = timezone.localdate().year
    if problem or year is None:
        fail("year", problem or _("请填写年度"))
    elif not 2000 <= year <= this_year:
        fail("year", _("年度应在 2000 至 %(y)d 之间") % {"y": this_year})
    elif WorkshopReport.objects.filter(workshop=workshop, year=year).exclude(pk=getattr(report, "pk", None)).exists():
        fail("year", _("车间“%(name)s”已报送 %(y)d 年度经营情况") % {"name": workshop.name, "y": year})
    else:
        values["year"] = year
    for field, required in (("revenue", True), ("wages_paid", False)):
        number, problem = whole(data.get(field), MAX_REVENUE)
        if problem:
            fail(field, problem)
        elif number is None and required:
            fail(field, _("请填写年营业收入"))
        else:
            values[field] = number
    text, problem = clean_text(data.get("note"), 200)
    if problem:
        fail("note", problem)
    values["note"] = text
    if errors:
        raise ValidationError(errors)
    return values
