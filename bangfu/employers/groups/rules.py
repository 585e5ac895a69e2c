"""The rules of demonstration sites and labour cooperatives, the same for pages, API and CLI (the
actions call these). Each refusal names the record, the field and what is wrong."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.employers import choices as c
from bangfu.employers.models import (
    Cooperative,
    CoopMember,
    DispatchPerson,
    Programme,
    Site,
    SiteMember,
    TeamLeader,
)
from bangfu.employers.organisations.rules import clean_region, collector
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry.validation import allowed, clean_text

EARLIEST = datetime.date(1990, 1, 1)
MAX_PLANNED_MONTHS = 36
MAX_AWARD = 1_000_000  # yuan for one cooperative or leader: beyond it a typing error


def parse_date(value, fail, field: str, label, *, required: bool = False, future: bool = False):
    """A date from a date or an ISO text (YYYY-MM-DD); None when blank and not required."""
    if value in (None, ""):
        if required:
            fail(field, _("请填写%(label)s") % {"label": label})
        return None
    if isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            fail(field, _("%(label)s“%(v)s”不是有效日期（应为 年-月-日）") % {"label": label, "v": value})
            return None
    if day < EARLIEST:
        fail(field, _("%(label)s不能早于 %(d)s") % {"label": label, "d": EARLIEST.isoformat()})
        return None
    if not future and day > timezone.localdate():
        fail(field, _("%(label)s不能晚于今天") % {"label": label})
        return None
    return day


def _text(data, values, fail, field: str, limit: int, *, required_label=None) -> None:
    text, problem = clean_text(data.get(field), limit, name_of=required_label)
    if problem:
        fail(field, problem)
    elif required_label is not None and not text:
        fail(field, _("请填写%(label)s") % {"label": required_label})
    else:
        values[field] = text


def _choice(data, values, fail, field: str, choices, label) -> None:
    value = data.get(field) or ""
    if value not in allowed(choices):
        fail(field, _("请选择%(label)s") % {"label": label} if not value
             else _("%(label)s“%(v)s”不是可选的值") % {"label": label, "v": value})
    else:
        values[field] = value


def as_id(value) -> int | None:
    """A record's id from a number or a text of ASCII digits; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else None


def clean_programmes(value, fail) -> list[Programme]:
    """Programmes by instance, id or name; unknown ones are refused by name."""
    found = []
    for item in value or []:
        if isinstance(item, Programme):
            found.append(item)
            continue
        text = str(item).strip()
        pk = as_id(text)
        programme = (Programme.objects.filter(pk=pk) if pk is not None
                     else Programme.objects.filter(name=text)).first()
        if programme is None:
            fail("programmes", _("项目“%(v)s”不存在") % {"v": text})
        else:
            found.append(programme)
    return found


def clean_site(data: dict, site: Site | None = None) -> dict:
    """Field values for a new or changed site (keys not in `data` keep the site's values)."""
    errors, fail = collector()
    values: dict = {}
    new = site is None
    if "name" in data or new:
        _text(data, values, fail, "name", 200, required_label=_("名称"))
    for field, limit in (("address", 200), ("named_by", 100), ("note", 500)):
        if field in data:
            _text(data, values, fail, field, limit)
    if "kind" in data or new:
        _choice(data, values, fail, "kind", c.SiteKind, _("基地类型"))
    if "level" in data or new:
        _choice(data, values, fail, "level", c.Level, _("命名层级"))
    if "region_code" in data or new:
        code = clean_region(data.get("region_code"), fail)
        if code:
            values["region_code"] = code
    if "named_on" in data:
        values["named_on"] = parse_date(data.get("named_on"), fail, "named_on", _("命名日期"))
    if "employer" in data:
        values["employer"] = data.get("employer") or None
    if "programmes" in data:
        values["programmes"] = clean_programmes(data.get("programmes"), fail)
    if errors:
        raise ValidationError(errors)
    return values


def clean_site_member(site: Site, person, data: dict) -> dict:
    """A person's new place at a site: a disabled person when employed or trained, dates in order,
    and no overlapping place of the same kind at the same site."""
    errors, fail = collector()
    values: dict = {}
    _choice(data, values, fail, "relation", c.SiteRelation, _("关系"))
    start = parse_date(data.get("start_date"), fail, "start_date", _("开始日期"), required=True)
    end = parse_date(data.get("end_date"), fail, "end_date", _("结束日期"))
    _text(data, values, fail, "note", 200)
    relation = values.get("relation")
    if relation in (c.SiteRelation.EMPLOYED, c.SiteRelation.TRAINED) and not person.is_disabled:
        fail("person", _("%(name)s 在台账中未登记残疾类别，不能登记为示范基地的%(relation)s人员；"
                         "请先在台账中登记其残疾信息，或登记为参与管理") % {
            "name": person.name, "relation": c.SiteRelation(relation).label})
    if start and end and end < start:
        fail("end_date", _("结束日期（%(e)s）不能早于开始日期（%(s)s）") % {"e": end, "s": start})
    if start and relation and "end_date" not in errors:
        clash = _overlapping(SiteMember.objects.filter(site=site, person=person, relation=relation),
                             "start_date", "end_date", start, end).first()
        if clash is not None:
            fail("person", _("%(name)s 已是“%(site)s”的%(relation)s人员（%(period)s），时间重叠") % {
                "name": person.name, "site": site.name, "relation": clash.get_relation_display(),
                "period": _period(clash.start_date, clash.end_date)})
    if errors:
        raise ValidationError(errors)
    return {**values, "start_date": start, "end_date": end}


def clean_end(record, data: dict, start_field: str, end_field: str, label) -> datetime.date:
    """The end date of a membership or a term: given, not before its start."""
    errors, fail = collector()
    end = parse_date(data.get(end_field), fail, end_field, label, required=True)
    start = getattr(record, start_field)
    if end and end < start:
        fail(end_field, _("%(label)s（%(e)s）不能早于开始日期（%(s)s）") % {"label": label, "e": end, "s": start})
    if getattr(record, end_field) is not None:
        fail(end_field, _("该记录已于 %(d)s 结束") % {"d": getattr(record, end_field)})
    if errors:
        raise ValidationError(errors)
    return end


def _period(start, end) -> str:
    return f"{start:%Y-%m-%d} — {end:%Y-%m-%d}" if end else _("%(d)s 起") % {"d": f"{start:%Y-%m-%d}"}


def _overlapping(queryset, start_field: str, end_field: str, start, end):
    """Records of the queryset whose [start, end or open] meets [start, end or open]."""
    condition = Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start})
    if end is not None:
        condition &= Q(**{f"{start_field}__lte": end})
    return queryset.filter(condition)


# --- cooperatives -------------------------------------------------------------------------------

def clean_cooperative(data: dict, cooperative: Cooperative | None = None) -> dict:
    errors, fail = collector()
    values: dict = {}
    new = cooperative is None
    if "name" in data or new:
        _text(data, values, fail, "name", 200, required_label=_("合作社名称"))
    for field, limit in (("address", 200), ("chair", 50), ("note", 500)):
        if field in data:
            _text(data, values, fail, field, limit)
    if "region_code" in data or new:
        code = clean_region(data.get("region_code"), fail)
        if code:
            values["region_code"] = code
    if "founded_on" in data:
        values["founded_on"] = parse_date(data.get("founded_on"), fail, "founded_on", _("成立日期"))
    if "employer" in data:
        values["employer"] = data.get("employer") or None
    if errors:
        raise ValidationError(errors)
    return values


def clean_coop_member(cooperative: Cooperative, person, data: dict) -> dict:
    errors, fail = collector()
    joined = parse_date(data.get("joined_on"), fail, "joined_on", _("入社日期"), required=True)
    if joined and cooperative.founded_on and joined < cooperative.founded_on:
        fail("joined_on", _("入社日期（%(d)s）不能早于合作社成立日期（%(f)s）") % {
            "d": joined, "f": cooperative.founded_on})
    if joined and not errors:
        clash = _overlapping(CoopMember.objects.filter(cooperative=cooperative, person=person),
                             "joined_on", "left_on", joined, None).first()
        if clash is not None:
            fail("person", _("%(name)s 已是“%(coop)s”的成员（%(period)s）") % {
                "name": person.name, "coop": cooperative.name, "period": _period(clash.joined_on, clash.left_on)})
    if errors:
        raise ValidationError(errors)
    return {"joined_on": joined}


def clean_leaving(member: CoopMember, data: dict) -> datetime.date:
    """A member leaves on a date: not while leading past it, nor away on a dispatch past it."""
    left = clean_end(member, data, "joined_on", "left_on", _("退社日期"))
    errors, fail = collector()
    if TeamLeader.objects.filter(member=member).filter(Q(end_date__isnull=True) | Q(end_date__gt=left)).exists():
        fail("left_on", _("%(name)s 仍任劳务队长，请先登记其卸任（不晚于 %(d)s）") % {
            "name": member.person.name, "d": left})
    away = DispatchPerson.objects.filter(member=member, dispatch__until__gt=left).select_related("dispatch").first()
    if away is not None:
        fail("left_on", _("%(name)s 参加的组织输出（%(d)s 出发）到 %(u)s 才结束，退社日期不能早于此") % {
            "name": member.person.name, "d": away.dispatch.start_date, "u": away.dispatch.until})
    if errors:
        raise ValidationError(errors)
    return left


def clean_leader(member: CoopMember, data: dict) -> dict:
    """A member becomes a team leader: within the membership, not twice at once."""
    errors, fail = collector()
    start = parse_date(data.get("start_date"), fail, "start_date", _("任职日期"), required=True)
    end = parse_date(data.get("end_date"), fail, "end_date", _("卸任日期"))
    name = member.person.name
    if start and start < member.joined_on:
        fail("start_date", _("%(name)s 于 %(j)s 入社，任职日期（%(s)s）不能早于入社日期") % {
            "name": name, "j": member.joined_on, "s": start})
    if member.left_on is not None and (end is None or end > member.left_on):
        fail("end_date", _("%(name)s 已于 %(l)s 退社，卸任日期不能晚于退社日期") % {"name": name, "l": member.left_on})
    if start and end and end < start:
        fail("end_date", _("卸任日期（%(e)s）不能早于任职日期（%(s)s）") % {"e": end, "s": start})
    if start and not errors:
        clash = _overlapping(TeamLeader.objects.filter(member=member), "start_date", "end_date", start, end).first()
        if clash is not None:
            fail("start_date", _("%(name)s 已任劳务队长（%(period)s），时间重叠") % {
                "name": name, "period": _period(clash.start_date, clash.end_date)})
    if errors:
        raise ValidationError(errors)
    return {"start_date": start, "end_date": end}


def last_day(start: datetime.date, months: int) -> datetime.date:
    """The last day of the `months`-th month counted from the start's month."""
    index = start.year * 12 + start.month - 1 + months - 1
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def clean_dispatch(cooperative: Cooperative, data: dict, dispatch=None) -> tuple[dict, list[CoopMember]]:
    """A dispatch's fields and the members who go: members on the start date, led by a team leader
    of this cooperative in office then, to a partner city or an employer, each person on no other
    dispatch at the same time (`dispatch`: the one being changed, which is not "another")."""
    errors, fail = collector()
    values: dict = {}
    _choice(data, values, fail, "destination", c.Destination, _("输出去向"))
    for field, limit in (("city", 100), ("employer_name", 200), ("note", 500)):
        _text(data, values, fail, field, limit)
    code = str(data.get("city_code") or "").strip()
    if code and not (code.isascii() and code.isdigit() and len(code) in (6, 12)):
        fail("city_code", _("城市区划代码“%(v)s”应为 6 位或 12 位数字") % {"v": code})
    values["city_code"] = code
    values["employer"] = data.get("employer") or None
    destination = values.get("destination")
    if destination == c.Destination.PARTNER_CITY:
        if not values.get("city"):
            fail("city", _("去向为协作城市时请填写城市名称"))
        values["employer"], values["employer_name"] = None, ""
    elif destination == c.Destination.EMPLOYER:
        if values["employer"] is None and not values.get("employer_name"):
            fail("employer_name", _("去向为用人单位时请选择已登记的单位或填写单位名称"))
        if values["employer"] is not None:
            values["employer_name"] = ""
        values["city"], values["city_code"] = "", ""
    start = parse_date(data.get("start_date"), fail, "start_date", _("出发日期"), required=True, future=True)
    end = parse_date(data.get("end_date"), fail, "end_date", _("返回日期"), future=True)
    months = data.get("planned_months")
    if months in (None, ""):
        months = None
    else:
        try:
            months = int(str(months).strip())
        except ValueError:
            fail("planned_months", _("计划务工月数应为整数"))
            months = None
        else:
            if not 1 <= months <= MAX_PLANNED_MONTHS:
                fail("planned_months", _("计划务工月数应在 1 到 %(n)d 之间") % {"n": MAX_PLANNED_MONTHS})
                months = None
    if start and end and end < start:
        fail("end_date", _("返回日期（%(e)s）不能早于出发日期（%(s)s）") % {"e": end, "s": start})
    if end is None and months is None and "planned_months" not in errors and "end_date" not in errors:
        fail("planned_months", _("请填写返回日期或计划务工月数"))
    until = end or (last_day(start, months) if start and months else None)
    leader = data.get("leader") or None
    if leader is not None and start:
        if not isinstance(leader, TeamLeader) or leader.member.cooperative_id != cooperative.pk:
            fail("leader", _("带队人不是“%(coop)s”的劳务队长") % {"coop": cooperative.name})
        elif not leader.is_current(start):
            fail("leader", _("%(name)s 在出发日期（%(d)s）不在劳务队长任期内") % {
                "name": leader.member.person.name, "d": start})
    members = _dispatched(cooperative, data.get("people") or [], start, until, fail, dispatch)
    if errors:
        raise ValidationError(errors)
    values.update(start_date=start, end_date=end, planned_months=months, until=until, leader=leader,
                  first_month=start.year * 12 + start.month - 1, last_month=until.year * 12 + until.month - 1)
    return values, members


def _dispatched(cooperative, given, start, until, fail, dispatch=None) -> list[CoopMember]:
    members = []
    for item in given:
        member = item if isinstance(item, CoopMember) else None
        if member is None and as_id(item) is not None:
            member = CoopMember.objects.filter(pk=as_id(item)).select_related("person").first()
        if member is None or member.cooperative_id != cooperative.pk:
            fail("people", _("编号为 %(v)s 的人员不是“%(coop)s”的成员") % {"v": item if member is None else
                                                                         member.person.name, "coop": cooperative.name})
        elif start and not member.is_current(start):
            fail("people", _("%(name)s 在出发日期（%(d)s）不是合作社成员（%(period)s）") % {
                "name": member.person.name, "d": start, "period": _period(member.joined_on, member.left_on)})
        elif member not in members:
            members.append(member)
    if not given:
        fail("people", _("请选择输出人员"))
    if start and until and members:
        busy = (DispatchPerson.objects.filter(person__in=[m.person_id for m in members],
                                              dispatch__start_date__lte=until, dispatch__until__gte=start)
                .exclude(dispatch_id=getattr(dispatch, "pk", None))
                .select_related("person", "dispatch", "dispatch__employer").order_by("dispatch__start_date"))
        for went in busy:
            fail("people", _("%(name)s 已在 %(s)s 至 %(u)s 的组织输出（%(to)s）中，时间重叠") % {
                "name": went.person.name, "s": went.dispatch.start_date, "u": went.dispatch.until,
                "to": went.dispatch.destination_label})
    return members


def clean_appraisal(data: dict) -> dict:
    errors, fail = collector()
    code = str(data.get("region_code") or "").strip()
    known = (code.isascii() and code.isdigit() and len(code) in (6, 9, 12)
             and Region.objects.filter(code=codes.full_code(code)).exists())
    if not known:
        fail("region_code", _("区划“%(v)s”不存在（应为 6 位县级、9 位乡镇或 12 位村级代码）") % {"v": code})
    year = data.get("year")
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        fail("year", _("年度应为整数"))
    else:
        if not 2000 <= year <= timezone.localdate().year:
            fail("year", _("年度应在 2000 到今年之间"))
    half = str(data.get("half") or "").strip()
    if half not in ("1", "2"):
        fail("half", _("请选择上半年或下半年"))
    note, problem = clean_text(data.get("note"), 200)
    if problem:
        fail("note", problem)
    if errors:
        raise ValidationError(errors)
    return {"region_code": code, "year": year, "half": int(half), "note": note}


def clean_award(data: dict) -> tuple[int, int]:
    errors, fail = collector()
    amounts = []
    for field in ("cooperative_award", "leader_award"):
        raw = str(data.get(field) if data.get(field) is not None else "0").strip() or "0"
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            fail(field, _("奖励金额应为不小于 0 的整数（元）"))
            amounts.append(0)
        elif int(raw) > MAX_AWARD:
            fail(field, _("奖励金额不能超过 %(n)s 元") % {"n": f"{MAX_AWARD:,}"})
            amounts.append(0)
        else:
            amounts.append(int(raw))
    if errors:
        raise ValidationError(errors)
    return amounts[0], amounts[1]

