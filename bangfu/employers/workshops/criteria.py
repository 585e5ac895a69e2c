"""Workshop criteria as data: the measures the code can compute, which set of criteria is in force for a
workshop, and loading a province's sets from a JSON file.

A measure is something computed from the records (employers.workshops.evaluation computes them all at
once for many workshops); a criterion compares one measure with a threshold. Which people count as
脱贫劳动力: people whose ledger poverty status is 脱贫人口 or 监测对象 (the 2021 policies that renamed
扶贫车间 to 就业帮扶车间 count both: "脱贫人口和监测对象"), and who worked (days_worked > 0) in at
least one month of the period.
"""

import dataclasses
import datetime
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core.permissions import require
from bangfu.employers import choices as c
from bangfu.employers.models import Comparison, CriteriaSet, Criterion, Purpose
from bangfu.employers.permissions import Perm
from bangfu.registry import choices as rc

# Poverty statuses of the ledger that count as 脱贫劳动力 (see the module's docstring).
TUOPIN_STATUSES = (rc.PovertyStatus.FORMERLY_POOR, rc.PovertyStatus.MONITORED)
CONTRACT_MONTHS = 12  # "签订 1 年以上劳动合同或劳务协议"


@dataclasses.dataclass(frozen=True)
class Measure:
    key: str
    label: object
    unit: object
    description: object
    money: bool = False  # shown with two decimals
    people: bool = False  # who counts can be listed


MEASURES = {m.key: m for m in (
    Measure("tuopin_workers", gettext_lazy("脱贫劳动力"), gettext_lazy("人"),
            gettext_lazy("统计期内至少有一个月出勤天数大于 0 的脱贫人口和监测对象人数"), people=True),
    Measure("workers", gettext_lazy("吸纳就业人数"), gettext_lazy("人"),
            gettext_lazy("统计期内至少有一个月出勤天数大于 0 的人数"), people=True),
    Measure("insurance_per_person_month", gettext_lazy("人均每月意外伤害保险"), gettext_lazy("元/人·月"),
            gettext_lazy("统计期内意外伤害保险费合计 ÷ 出勤人月数（出勤天数大于 0 的月度记录数）"), money=True),
    Measure("months_running", gettext_lazy("运营时间"), gettext_lazy("个月"),
            gettext_lazy("自投产日期至评估日期的整月数")),
    Measure("tuopin_contract_workers", gettext_lazy("签订一年以上合同的脱贫劳动力"), gettext_lazy("人"),
            gettext_lazy("统计期内出勤、合同或协议期限不少于 12 个月的脱贫人口和监测对象人数"), people=True),
    Measure("tuopin_average_pay", gettext_lazy("上述脱贫劳动力人均年工资"), gettext_lazy("元/人·年"),
            gettext_lazy("签订一年以上合同的脱贫劳动力统计期工资合计 ÷ 人数，折算为 12 个月"), money=True),
    Measure("revenue", gettext_lazy("年营业收入"), gettext_lazy("元"),
            gettext_lazy("评估年度或之前最近一年报送的年度经营情况中的营业收入"), money=True),
)}

WORDS = {Comparison.GTE: gettext_lazy("不少于"), Comparison.GT: gettext_lazy("多于"),
         Comparison.LTE: gettext_lazy("不超过"), Comparison.LT: gettext_lazy("少于")}


def compare(comparison: str, value, threshold) -> bool:
    value, threshold = Decimal(str(value)), Decimal(str(threshold))
    return {Comparison.GTE: value >= threshold, Comparison.GT: value > threshold,
            Comparison.LTE: value <= threshold, Comparison.LT: value < threshold}[comparison]


# --- which set is in force ------------------------------------------------------------------------

def sets_in_force(purpose: str, on: datetime.date) -> list[CriteriaSet]:
    """Every set of this purpose in force on the date, longest region prefix first, criteria prefetched."""
    sets = (CriteriaSet.objects.filter(purpose=purpose, effective_from__lte=on)
            .exclude(effective_to__lt=on).prefetch_related("criteria"))
    return sorted(sets, key=lambda s: (-len(s.region_prefix), -s.effective_from.toordinal()))


def set_for(region_code: str, sets: list[CriteriaSet]) -> CriteriaSet | None:
    """The set of the longest prefix covering the region (`sets` as `sets_in_force` gives them)."""
    return next((s for s in sets if region_code.startswith(s.region_prefix)), None)


def set_in_force(region_code: str, purpose: str, on: datetime.date) -> CriteriaSet | None:
    return set_for(region_code, sets_in_force(purpose, on))


def criteria_for(criteria_set: CriteriaSet, kind: str) -> list[Criterion]:
    """The set's criteria that apply to a workshop of this kind, in their order."""
    return [crit for crit in criteria_set.criteria.all() if not crit.kinds or kind in crit.kinds]


# --- loading a file ------------------------------------------------------------------------------

@dataclasses.dataclass
class Loaded:
    sets: int = 0
    criteria: int = 0
    created: int = 0


def _decimal(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(where)s：标准值“%(v)s”不是数字") % {"where": where, "v": value}) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        raise ValidationError(_("%(where)s：标准值“%(v)s”超出范围") % {"where": where, "v": value})
    return number


def _day(value, where: str, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(_("%(where)s：%(field)s“%(v)s”应为 YYYY-MM-DD") % {
            "where": where, "field": field, "v": value}) from None


def clean_criterion(raw: dict, where: str) -> dict:
    """One criterion's values, or ValidationError naming where it is and what is wrong."""
    if not isinstance(raw, dict):
        raise ValidationError(_("%(where)s：应为对象") % {"where": where})
    measure = raw.get("measure")
    if measure not in MEASURES:
        raise ValidationError(_("%(where)s：指标“%(m)s”不存在，可选：%(all)s") % {
            "where": where, "m": measure, "all": "、".join(MEASURES)})
    comparison = raw.get("comparison", Comparison.GTE)
    if comparison not in Comparison.values:
        raise ValidationError(_("%(where)s：比较方式“%(v)s”不是可选的值（gte、gt、lte、lt）") % {
            "where": where, "v": comparison})
    kinds = raw.get("kinds") or []
    if not isinstance(kinds, list) or any(k not in c.WorkshopKind.values for k in kinds):
        raise ValidationError(_("%(where)s：适用车间类型应为以下值的列表：%(all)s") % {
            "where": where, "all": "、".join(c.WorkshopKind.values)})
    threshold = _decimal(raw.get("threshold"), where)
    label = str(raw.get("label") or "").strip()[:200] or f"{MEASURES[measure].label}{WORDS[comparison]}{threshold}"
    return {"measure": measure, "comparison": comparison, "threshold": threshold, "kinds": kinds, "label": label}


def clean_set(raw: dict, where: str, region: str) -> tuple[dict, list[dict]]:
    if not isinstance(raw, dict):
        raise ValidationError(_("%(where)s：应为对象") % {"where": where})
    purpose = raw.get("purpose")
    if purpose not in Purpose.values:
        raise ValidationError(_("%(where)s：用途“%(v)s”不是可选的值（certify、monitor、upgrade）") % {
            "where": where, "v": purpose})
    start = _day(raw.get("effective_from"), where, _("施行日期"))
    if start is None:
        raise ValidationError(_("%(where)s：请填写施行日期 effective_from") % {"where": where})
    end = _day(raw.get("effective_to"), where, _("失效日期"))
    if end is not None and end < start:
        raise ValidationError(_("%(where)s：失效日期早于施行日期") % {"where": where})
    buffer = raw.get("buffer_months")
    if purpose == Purpose.MONITOR and not (isinstance(buffer, int) and 1 <= buffer <= 36):
        raise ValidationError(_("%(where)s：动态监测标准须有 1 至 36 的整改缓冲期 buffer_months") % {"where": where})
    period = raw.get("period_months", 12 if purpose == Purpose.UPGRADE else 3)
    if not (isinstance(period, int) and 1 <= period <= 36):
        raise ValidationError(_("%(where)s：统计期 period_months 应为 1 至 36 的整数") % {"where": where})
    name = str(raw.get("name") or "").strip()[:200]
    if not name:
        raise ValidationError(_("%(where)s：请填写名称 name") % {"where": where})
    items = raw.get("criteria")
    if not isinstance(items, list) or not items:
        raise ValidationError(_("%(where)s：criteria 应为非空列表") % {"where": where})
    criteria = [clean_criterion(item, f"{where} criteria[{i}]") for i, item in enumerate(items)]
    values = {"region_prefix": region, "purpose": purpose, "effective_from": start, "effective_to": end,
              "name": name, "note": str(raw.get("note") or "")[:2000],
              "buffer_months": buffer if purpose == Purpose.MONITOR else None, "period_months": period}
    return values, criteria


# Guangxi's 2022 sets, shipped as an example of the file `bangfu criteria load` reads.
GUANGXI_2022 = Path(__file__).parent / "data" / "criteria-guangxi-2022.json"


def read_file(path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as exc:
        raise ValidationError(_("%(path)s 不是有效的 JSON：第 %(line)d 行 %(msg)s") % {
            "path": path, "line": exc.lineno, "msg": exc.msg}) from None


@transaction.atomic
def load_criteria(user, data: dict, region: str | None = None, *, command: bool = False) -> Loaded:
    """Create or replace the sets of a file (keyed by region, purpose and effective date): rerunning
    the same file changes nothing. Everything is checked before anything is written. `command`: run
    from the command line (by whoever administers the server, as the system account by default)."""
    if not command:
        require(user, Perm.MANAGE_POLICY)
    if not isinstance(data, dict):
        raise ValidationError(_("文件应为一个 JSON 对象"))
    prefix = region or str(data.get("region_prefix") or "")
    if not prefix.isdigit() or len(prefix) > 12:
        raise ValidationError(_("适用区划“%(v)s”应为 1 至 12 位数字") % {"v": prefix})
    raw_sets = data.get("sets")
    if not isinstance(raw_sets, list) or not raw_sets:
        raise ValidationError(_("sets 应为非空列表"))
    cleaned = [clean_set(raw, f"sets[{i}]", prefix) for i, raw in enumerate(raw_sets)]
    loaded = Loaded()
    for values, criteria in cleaned:
        key = {k: values[k] for k in ("region_prefix", "purpose", "effective_from")}
        criteria_set = CriteriaSet.objects.filter(**key).first()
        changed = criteria_set is None or any(getattr(criteria_set, f) != v for f, v in values.items())
        if criteria_set is None:
            criteria_set = CriteriaSet(**values)
            loaded.created += 1
        for field, value in values.items():
            setattr(criteria_set, field, value)
        if changed:
            criteria_set._history_user = user
            criteria_set.save()
        current = list(criteria_set.criteria.all())
        wanted = [{**crit, "position": i} for i, crit in enumerate(criteria)]
        if [_as_dict(crit) for crit in current] != wanted:
            for crit in current:
                crit._history_user = user
                crit.delete()
            for crit in wanted:
                row = Criterion(criteria_set=criteria_set, **crit)
                row._history_user = user
                row.save()
        loaded.sets += 1
        loaded.criteria += len(criteria)
        log.record(user, Action.UPDATE, criteria_set, region_code=prefix, detail={"loaded": values["name"]})
    return loaded


def _as_dict(crit: Criterion) -> dict:
    return {"measure": crit.measure, "comparison": crit.comparison, "threshold": crit.threshold,
            "kinds": list(crit.kinds), "label": crit.label, "position": crit.position}
