"""The rules of employment records and monthly roster rows: plain functions that either return the
values to store or raise ValidationError naming each bad field, in Chinese. Called by the actions
(form, API, importer alike)."""

import calendar
import collections
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core import crypto
from bangfu.core.among import Among
from bangfu.employers import choices as c
from bangfu.employers.models import Employer, Workshop
from bangfu.employers.models.records import EARLIEST_MONTH, MAX_MONTHLY_PAY
from bangfu.registry.identifiers import IdentifierError, normalise_identifier, parse_resident_id
from bangfu.registry.models import Person, month_label

MAX_INSURANCE = Decimal(10_000)  # yuan a month: accident insurance beyond it is a typing error
MAX_AGREEMENT_MONTHS = 600
MAX_WEEKLY_HOURS = 84


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def days_in(month: datetime.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def _collector():
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str):
        errors.setdefault(field, []).append(str(message))

    return errors, fail


def month_of(value) -> datetime.date | None:
    """A month from a date, 'YYYY-MM', 'YYYY-MM-DD' or '2023年05月' (its first day); None if unreadable."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = str(value or "").strip().replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
    parts = text.split("-")
    try:
        return datetime.date(int(parts[0]), int(parts[1]), 1) if len(parts) >= 2 else None
    except (ValueError, IndexError):
        return None


def clean_month(value, fail, field: str = "month") -> datetime.date | None:
    month = month_of(value)
    if month is None:
        fail(field, _("月份应为年月，如 2023-05"))
    elif month > this_month():
        fail(field, _("月份 %(month)s 还没有到，不能报送") % {"month": month_label(month)})
    elif month < EARLIEST_MONTH:
        fail(field, _("月份不能早于 %(month)s") % {"month": month_label(EARLIEST_MONTH)})
    else:
        return month
    return None


# --- people --------------------------------------------------------------------------------------

def id_number_problem(value) -> tuple[str, str | None]:
    """The normalised ID number and what is wrong with it (None when it is a valid one)."""
    number = normalise_identifier(value or "")
    if not number:
        return number, _("请填写证件号码")
    try:
        parse_resident_id(number)
    except IdentifierError as exc:
        return number, str(exc)
    return number, None


# What a roster needs of a person: who they are, where they live (a new spell's place), the mask.
PERSON_FIELDS = ("id", "name", "region_code", "id_number_hash", "id_number_head", "id_number_tail",
                 "disability_category")


class Holder(collections.namedtuple("Holder", PERSON_FIELDS)):
    """What a roster reads of a person (a row of values, not a model instance: a chunk has thousands)."""

    __slots__ = ()

    @property
    def pk(self) -> int:
        return self.id

    @property
    def id_number_masked(self) -> str:
        return Person.id_number.masked(self)


class Holders(dict):
    """Who holds each of these ID numbers, looked up in one query: number → Holder. The keyed
    hashes are made once per number (under every active key: a rotation may be under way)."""

    def __init__(self, numbers):
        super().__init__()
        keys = crypto.key_ring().keys
        if len(keys) == 1:  # no rotation under way: one digest per number
            digest = keys[0].hash
            by_hash = {digest(number): number for number in set(numbers) if number}
        else:
            by_hash = {key.hash(number): number for number in set(numbers) if number for key in keys}
        if not by_hash:
            return
        make = Holder._make
        for values in Person.objects.filter(Among("id_number_hash", by_hash)).values_list(*PERSON_FIELDS):
            holder = make(values)
            self[by_hash[holder.id_number_hash]] = holder


def holders(numbers) -> Holders:
    return Holders(numbers)


def holder_of(number: str, found: dict[str, Person]) -> Person | None:
    if isinstance(found, Holders):
        return found.get(number)
    return next((found[h] for h in crypto.lookup_hashes(number) if h in found), None)


def same_name(given: str, person: Person) -> bool:
    return "".join(str(given or "").split()) == "".join(person.name.split())


def find_person(id_number, name, fail, found: dict[str, Person] | None = None, *,
                checked: tuple[str, str | None] | None = None) -> Person | None:
    """The person an operator names by ID number and name: both must agree with the ledger. The
    refusal is the same whether nobody holds the number or someone else does (it reveals nobody).
    (`checked`: id_number_problem's answer, when the caller has it already.)"""
    number, problem = checked or id_number_problem(id_number)
    if problem:
        fail("id_number", problem)
        return None
    if not str(name or "").strip():
        fail("name", _("请填写姓名"))
        return None
    person = holder_of(number, found if found is not None else holders([number]))
    if person is None or not same_name(name, person):
        fail("id_number", _("证件号码与姓名不符，或台账中没有此人：请核对身份证上的号码和姓名"))
        return None
    return person


# --- employments ---------------------------------------------------------------------------------

def _whole(value, field: str, low: int, high: int, label: str, fail) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        fail(field, _("%(label)s应为整数") % {"label": label})
        return None
    if not low <= number <= high:
        fail(field, _("%(label)s应在 %(low)d 到 %(high)d 之间") % {"label": label, "low": low, "high": high})
        return None
    return number


def _day(value, field: str, label: str, fail) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str) and value.strip():
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            fail(field, _("%(label)s应为日期，如 2024-03-01") % {"label": label})
            return None
    if value in (None, ""):
        return None
    if not isinstance(value, datetime.date):
        fail(field, _("%(label)s应为日期，如 2024-03-01") % {"label": label})
        return None
    if value > timezone.localdate():
        fail(field, _("%(label)s不能晚于今天") % {"label": label})
        return None
    if value < EARLIEST_MONTH:
        fail(field, _("%(label)s不能早于 %(day)s") % {"label": label, "day": EARLIEST_MONTH.isoformat()})
        return None
    return value


def clean_workshop(employer: Employer, workshop, fail) -> Workshop | None:
    """The workshop (an instance or a pk) if it belongs to the employer."""
    if workshop in (None, ""):
        return None
    if not isinstance(workshop, Workshop):
        workshop = Workshop.objects.filter(pk=workshop if str(workshop).isdigit() else None).first()
    if workshop is None or workshop.employer_id != employer.pk:
        fail("workshop", _("该车间不属于本单位"))
        return None
    return workshop


def clean_employment(employer: Employer, data: dict, employment=None) -> dict:
    """Values of a new employment (data: id_number, name, workshop, start_date, agreement,
    agreement_months, weekly_hours, job_title) or of a changed one (only the keys given). The
    person of a new one is found by ID number and name (`person` in the values)."""
    errors, fail = _collector()
    values: dict = {}
    new = employment is None
    if new:
        person = data.get("person") or find_person(data.get("id_number"), data.get("name"), fail)
        if person is not None:
            values["person"] = person if isinstance(person, Person) else Person.objects.get(pk=person.pk)
    if "workshop" in data:
        values["workshop"] = clean_workshop(employer, data.get("workshop"), fail)
    if "start_date" in data or new:
        start = _day(data.get("start_date"), "start_date", _("入职日期"), fail)
        if start is None and "start_date" not in errors:
            fail("start_date", _("请填写入职日期"))
        values["start_date"] = start
    if "end_date" in data:
        values["end_date"] = _day(data.get("end_date"), "end_date", _("离职日期"), fail)
    if "agreement" in data or new:
        agreement = data.get("agreement") or c.Agreement.CONTRACT
        if agreement not in c.Agreement.values:
            fail("agreement", _("“%(v)s”不是可选的用工形式") % {"v": agreement})
        values["agreement"] = agreement
    for field, label, high in (("agreement_months", _("合同期限（月）"), MAX_AGREEMENT_MONTHS),
                               ("weekly_hours", _("每周工时"), MAX_WEEKLY_HOURS)):
        if field in data:
            values[field] = _whole(data.get(field), field, 1, high, label, fail)
    if "job_title" in data:
        title = str(data.get("job_title") or "").strip()
        if len(title) > 100:
            fail("job_title", _("岗位不能超过 100 个字"))
        values["job_title"] = title
    start = values.get("start_date", employment.start_date if employment else None)
    end = values.get("end_date", employment.end_date if employment else None)
    if start and end and end < start:
        fail("end_date", _("离职日期（%(end)s）不能早于入职日期（%(start)s）") % {
            "end": end.isoformat(), "start": start.isoformat()})
    if errors:
        raise ValidationError(errors)
    return values


# --- roster rows ---------------------------------------------------------------------------------

CENT = Decimal("0.01")
MAX_PAY = Decimal(MAX_MONTHLY_PAY)
# Translated only when a message needs them (a roster checks these fields on every row).
PAY_LABEL, INSURANCE_LABEL = gettext_lazy("应发工资"), gettext_lazy("意外伤害保险")


def _amount(value, field: str, label: str, high: Decimal, fail, *, required: bool) -> Decimal | None:
    if value is None or value == "":
        if required:
            fail(field, _("请填写%(label)s") % {"label": label})
            return None
        return Decimal(0)
    if isinstance(value, Decimal) and value.is_finite() and 0 <= value <= high:
        return value.quantize(CENT)  # the importer's cells come parsed
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        fail(field, _("%(label)s应为金额（元），如 2500 或 2500.50") % {"label": label})
        return None
    if not amount.is_finite() or amount < 0:
        fail(field, _("%(label)s不能为负数") % {"label": label})
        return None
    if amount > high:
        fail(field, _("%(label)s %(v)s 元超出合理范围（不超过 %(high)s 元）") % {
            "label": label, "v": amount, "high": f"{high:,.0f}"})
        return None
    return amount.quantize(CENT)


def clean_month_figures(data: dict, month: datetime.date | None, fail) -> dict:
    """days_worked (0 to the month's days), pay (0 to MAX_MONTHLY_PAY yuan), insurance (≥ 0)."""
    values = {}
    high = days_in(month) if month else 31
    days = data.get("days_worked")
    if days is None or days == "":
        fail("days_worked", _("请填写出勤天数"))
    elif type(days) is int and 0 <= days <= high:
        values["days_worked"] = days
    else:
        try:
            number = Decimal(str(days).strip())
        except InvalidOperation:
            number = None
        if number is not None and number.is_snan():  # "sNaN" would raise on comparison: no number
            number = None
        if number is None or number != number.to_integral_value():
            fail("days_worked", _("出勤天数应为整数"))
        elif not 0 <= number <= high:
            fail("days_worked", _("出勤天数应在 0 到 %(high)d 之间（%(month)s 有 %(high)d 天）") % {
                "high": high, "month": month_label(month) if month else ""})
        else:
            values["days_worked"] = int(number)
    pay = _amount(data.get("pay"), "pay", PAY_LABEL, MAX_PAY, fail, required=True)
    insurance = _amount(data.get("insurance"), "insurance", INSURANCE_LABEL, MAX_INSURANCE, fail, required=False)
    if pay is not None:
        values["pay"] = pay
    if insurance is not None:
        values["insurance"] = insurance
    return values


def plain_month_figures(data: dict, days: int) -> dict | None:
    """clean_month_figures' answer for a row it would take without a word (whole days up to the
    month's `days`, amounts already read as Decimal within range, or no insurance), else None: the
    short path of a roster's common row, which leaves every other row to clean_month_figures."""
    worked, pay, insurance = data.get("days_worked"), data.get("pay"), data.get("insurance")
    if type(worked) is not int or not 0 <= worked <= days:
        return None
    if type(pay) is not Decimal or not pay.is_finite() or not 0 <= pay <= MAX_PAY:
        return None
    if insurance is None or insurance == "":
        insurance = Decimal(0)  # as _amount gives a blank one
    elif type(insurance) is Decimal and insurance.is_finite() and 0 <= insurance <= MAX_INSURANCE:
        insurance = insurance.quantize(CENT)
    else:
        return None
    return {"days_worked": worked, "pay": pay.quantize(CENT), "insurance": insurance}


def month_before_start(month: datetime.date, start: datetime.date, fail) -> bool:
    if month < start.replace(day=1):
        fail("month", _("%(month)s 早于入职日期 %(start)s") % {"month": month_label(month), "start": start.isoformat()})
        return True
    return False
