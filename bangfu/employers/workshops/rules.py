"""The rules for a workshop's record, the same for pages, API and CLI (the actions call these)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.employers import choices as c
from bangfu.employers.models import RentRule, Workshop, WorkshopReport
from bangfu.employers.organisations.rules import clean_region, collector, percent, whole
from bangfu.regions import codes
from bangfu.regions.models import Region
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


# --- site rent relief rules (场地租金减免规则) -------------------------------------------------------

MAX_RENT_YEARS = 30
SHARE_PLACES = 4  # of the fraction: 0.3333 (33.33%)


def clean_shares(value, fail) -> list[float] | None:
    """The share of the rent payable in each year from the start date, as fractions (0 free, 0.5 half,
    1 full): 1 to 30 of them, each from 0 to 1, at least one below 1 (else nothing is relieved).
    A text (the page's) may list them separated by commas, spaces or 、."""
    if isinstance(value, str):
        value = [part for part in value.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if part]
    if not isinstance(value, list | tuple) or not value:
        fail("shares", _("请填写各年应缴比例，如三免两减半为 0、0、0、50、50（%）"))
        return None
    if len(value) > MAX_RENT_YEARS:
        fail("shares", _("各年应缴比例最多 %(n)d 年，填写了 %(given)d 年") % {"n": MAX_RENT_YEARS, "given": len(value)})
        return None
    shares = []
    for year, raw in enumerate(value, start=1):
        try:
            share = None if isinstance(raw, bool) else Decimal(str(raw).strip())
        except InvalidOperation:
            share = None
        if share is None or not share.is_finite():
            fail("shares", _("第 %(n)d 年的应缴比例“%(v)s”不是数字") % {"n": year, "v": raw})
        elif not 0 <= share <= 1:
            fail("shares", _("第 %(n)d 年的应缴比例 %(v)s 应在 0%% 到 100%% 之间") % {"n": year, "v": percent(share)})
        elif share != share.quantize(Decimal(1).scaleb(-SHARE_PLACES)):
            fail("shares", _("第 %(n)d 年的应缴比例 %(v)s 最多保留两位小数（百分比）") % {
                "n": year, "v": percent(share, 6)})
        else:
            shares.append(share)
    if len(shares) == len(value) and all(share == 1 for share in shares):
        fail("shares", _("各年应缴比例都是 100%，没有减免：减免的年份填写 0（免缴）或 50（减半）等"))
    if len(shares) != len(value):
        return None
    return [float(share) for share in shares]


def clean_rent_rule(data: dict, rule: RentRule | None = None) -> dict:
    """Field values of a new or changed rent rule, or ValidationError naming each bad field (keys not
    in `data` keep the rule's values). Two rules of one region may not be in force on the same day."""
    errors, fail = collector()
    values: dict = {}
    new = rule is None
    if "region_prefix" in data or new:
        prefix = str(data.get("region_prefix") or "").strip()
        if prefix and not (prefix.isascii() and prefix.isdigit() and len(prefix) in codes.LEVEL_DIGITS.values()):
            fail("region_prefix", _("适用区划应为 2、4、6、9 或 12 位区划代码前缀（留空为全国）"))
        elif prefix and not Region.objects.filter(code=codes.full_code(prefix)).exists():
            fail("region_prefix", _("区划 %(code)s 不存在") % {"code": prefix})
        else:
            values["region_prefix"] = prefix
    if "name" in data or new:
        text, problem = clean_text(data.get("name"), 100, name_of=_("名称"))
        if problem or not text:
            fail("name", problem or _("请填写名称，如“三免两减半”"))
        else:
            values["name"] = text
    for field, label, required in (("effective_from", _("施行日期"), True), ("effective_to", _("失效日期"), False)):
        if field in data or (new and required):
            day, problem = _date(data.get(field))
            if problem:
                fail(field, _("%(label)s“%(v)s”不是有效日期（应为 年-月-日）") % {"label": label, "v": data.get(field)})
            elif day is None and required:
                fail(field, _("请填写%(label)s") % {"label": label})
            elif day is not None and not datetime.date(1990, 1, 1) <= day <= datetime.date(2100, 12, 31):
                fail(field, _("%(label)s应在 1990 年到 2100 年之间") % {"label": label})
            else:
                values[field] = day
    if "shares" in data or new:
        shares = clean_shares(data.get("shares"), fail)
        if shares is not None:
            values["shares"] = shares
    if "note" in data:
        text, problem = clean_text(data.get("note"), 2000)
        if problem:
            fail("note", problem)
        else:
            values["note"] = text
    start = values.get("effective_from", getattr(rule, "effective_from", None))
    end = values["effective_to"] if "effective_to" in values else getattr(rule, "effective_to", None)
    if start and end and end < start:
        fail("effective_to", _("失效日期（%(e)s）不能早于施行日期（%(s)s）") % {"e": end, "s": start})
    prefix = values.get("region_prefix", getattr(rule, "region_prefix", None))
    if start and prefix is not None and not errors:
        overlapping = RentRule.objects.filter(region_prefix=prefix).exclude(pk=getattr(rule, "pk", None)).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=start))
        if end is not None:
            overlapping = overlapping.filter(effective_from__lte=end)
        clash = overlapping.order_by("effective_from").first()
        if clash is not None:
            fail("effective_from", _("与同一区划的“%(name)s”（%(s)s 至 %(e)s）施行期间重叠；"
                                     "请先为其填写失效日期，或调整本规则的日期") % {
                "name": clash.name, "s": clash.effective_from,
                "e": clash.effective_to or _("今后")})
    if errors:
        raise ValidationError(errors)
    return values
