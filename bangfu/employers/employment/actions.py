"""Every write of employment records and monthly rosters (pages, API, importer, tests): the rules
first, the employer side's gate (SUBMIT_ROSTER on the employer: an operator reaches its own
organisation, an officer the employers of their region), history rows with the actor, audit."""

import collections
import dataclasses
import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import inserts, writes
from bangfu.core.among import Among
from bangfu.core.history import bulk_history, changes_since, record_baselines
from bangfu.core.permissions import Forbidden, check_reaches, reaches, require
from bangfu.employers.employment import rules, spells
from bangfu.employers.models import Employer, Employment, MonthlyRecord, RosterSubmission, Workshop
from bangfu.employers.permissions import Perm
from bangfu.registry.models import Person, month_label

ADD, UPDATE, UNCHANGED, REJECTED = "add", "update", "unchanged", "rejected"
FIGURES = ("days_worked", "pay", "insurance")
_RECORD = ("employment_id", "month", *FIGURES)  # MonthlyRecord's columns after id, in order


def _gate(user, employer: Employer) -> None:
    require(user, Perm.SUBMIT_ROSTER)
    if not reaches(user, employer, Perm.SUBMIT_ROSTER):
        raise Forbidden(_("您无权为该单位登记用工"))


def _save(user, record, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason
    record.save()


def _workplace(employer: Employer, workshop: Workshop | None) -> str:
    return workshop.region_code if workshop is not None else employer.region_code


def _masked(number: str) -> str:
    return Person.id_number.mask_text(number) if number else ""


# --- one employment ------------------------------------------------------------------------------

@transaction.atomic
def do_start_employment(user, employer: Employer, data: dict, *, key: str | None = None,
                        request=None) -> Employment:
    """Start a person's employment at the employer (or one of its workshops). The person is named
    by ID number and name, both as the ledger has them. Their job spell in the ledger opens with it."""
    _gate(user, employer)

    def create() -> Employment:
        values = rules.clean_employment(employer, {"workshop": None, **data})
        person = values["person"]
        if Employment.objects.filter(person=person, employer=employer, end_date__isnull=True).exists():
            raise ValidationError({"id_number": [_("此人在本单位已有在职的用工记录")]})
        employment = Employment(employer=employer, region_code=_workplace(employer, values.get("workshop")), **values)
        warnings = spells.open_spells(user, [employment], _("随用工记录登记"))
        _save(user, employment, _("新增"))
        check_reaches(user, employment, Perm.SUBMIT_ROSTER)
        log.record(user, Action.CREATE, employment, request=request,
                   detail={"employer": employer.pk, "warnings": warnings} if warnings else {"employer": employer.pk})
        employment.warnings = warnings
        return employment

    return writes.once(user, key, create)[0]


def _locked(employment: Employment, version: int | None) -> Employment:
    current = writes.lock(Employment, employment.pk)
    writes.check_version(current, version, changes_since)
    return current


def _refresh(employment: Employment, current: Employment) -> None:
    for field in Employment._meta.concrete_fields:
        setattr(employment, field.attname, getattr(current, field.attname))


@transaction.atomic
def do_update_employment(user, employment: Employment, data: dict, *, version: int | None = None,
                         request=None) -> list[str]:
    """Change the fields given (job title, agreement, its length, weekly hours, workshop, start
    date); returns the names of those that changed. An edit made on an older version is refused."""
    _gate(user, employment.employer)
    current = _locked(employment, version)
    editable = {k: v for k, v in data.items() if k in ("job_title", "agreement", "agreement_months",
                                                       "weekly_hours", "workshop", "start_date")}
    values = rules.clean_employment(employment.employer, editable, current)
    if "workshop" in values:
        values["region_code"] = _workplace(employment.employer, values["workshop"])
    changed = [k for k, v in values.items() if getattr(current, k) != v]
    if not changed:
        return []
    if not current.history.exists():
        record_baselines(Employment, [current])
    for k in changed:
        setattr(current, k, values[k])
    current.version += 1
    _save(user, current, _("修改"))
    log.record(user, Action.UPDATE, current, request=request, detail={"fields": changed})
    _refresh(employment, current)
    return changed


@transaction.atomic
def do_end_employment(user, employment: Employment, end_date, *, version: int | None = None,
                      request=None) -> Employment:
    """End an open employment on `end_date`; its spell in the ledger ends in that month."""
    _gate(user, employment.employer)
    current = _locked(employment, version)
    if current.end_date is not None:
        raise ValidationError({"end_date": [_("该用工记录已于 %(day)s 结束") % {"day": current.end_date.isoformat()}]})
    if end_date in (None, ""):
        raise ValidationError({"end_date": [_("请填写离职日期")]})
    values = rules.clean_employment(employment.employer, {"end_date": end_date}, current)
    if values["end_date"] is None:
        raise ValidationError({"end_date": [_("请填写离职日期")]})
    if not current.history.exists():
        record_baselines(Employment, [current])
    current.end_date = values["end_date"]
    current.version += 1
    _save(user, current, _("离职"))
    spells.end_spell(user, current, current.end_date, _("随用工记录结束"))
    log.record(user, Action.UPDATE, current, request=request, detail={"fields": ["end_date"]})
    _refresh(employment, current)
    return employment


# --- rosters -------------------------------------------------------------------------------------

@dataclasses.dataclass(slots=True)
class RowOutcome:
    row: object                      # the row's number as the submitter sees it
    action: str
    errors: dict = dataclasses.field(default_factory=dict)   # field → messages
    who: str = ""                    # set for refused and updated rows (what is shown of them)
    changes: list = dataclasses.field(default_factory=list)  # (label, old, new)
    employment: Employment | None = None


@dataclasses.dataclass
class RosterResult:
    outcomes: list[RowOutcome]
    removed: int = 0
    started: int = 0
    warnings: list = dataclasses.field(default_factory=list)
    submission: RosterSubmission | None = None
    named: set = dataclasses.field(default_factory=set)  # the people (ids) the rows name, refused rows too
    writes: "_Writes | None" = None  # what `write` writes (roster_outcomes writes it itself when told to)

    def write(self, user, reason: str) -> None:
        """Write what was checked (once): the caller holds the transaction."""
        writes, self.writes = self.writes, None
        if writes is not None:
            self.warnings = writes.write(user, reason)

    def count(self, action: str) -> int:
        return sum(o.action == action for o in self.outcomes)

    @property
    def refused(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action == REJECTED]


_SPAN = ("id", "person_id", "start_date", "end_date")


class _Span(collections.namedtuple("_Span", _SPAN)):
    """An employment on file as a roster compares it: its time (a row of values, not a model instance)."""

    @property
    def pk(self) -> int:
        return self.id


def _covering(employments: list[Employment], month: datetime.date) -> Employment | None:
    """The employment (of one person at one employer) whose time includes the month, the open one first."""
    if len(employments) == 1:  # most people have one: no list to sort
        e = employments[0]
        fits = e.start_date.replace(day=1) <= month and (e.end_date is None or e.end_date.replace(day=1) >= month)
        return e if fits else None
    fitting = [e for e in employments if e.start_date.replace(day=1) <= month
               and (e.end_date is None or e.end_date.replace(day=1) >= month)]
    fitting.sort(key=lambda e: (e.end_date is not None, -e.start_date.toordinal()))
    return fitting[0] if fitting else None


def _labels() -> dict[str, str]:
    return {name: str(MonthlyRecord._meta.get_field(name).verbose_name) for name in FIGURES}


class _Checked:
    """One roster row as checked: its person, figures, start date and errors (field → messages)."""

    __slots__ = ("r", "person", "figures", "start", "errors", "chosen", "number")

    def __init__(self, r, person, figures, start, errors, chosen, number):
        self.r, self.person, self.figures, self.start = r, person, figures, start
        self.errors, self.chosen, self.number = errors, chosen, number

    def fail(self, field: str, message) -> None:
        self.errors.setdefault(field, []).append(str(message))

    @property
    def who(self) -> str:
        """How the row's person is shown (the ID number masked)."""
        if self.person is not None:
            return f"{self.person.name}（{self.person.id_number_masked}）"
        name = self.r.get("name") or ""
        return f"{name}（{_masked(self.number)}）" if self.number else str(name)


def _check(r: dict, given_number: tuple, found, given: dict, employer: Employer, month, days: int) -> _Checked:
    """A row's own checks: its person (by ID number and name, or by the employment it names), the
    month's figures, the start date. The common row (a valid number of a person of that name, whole
    days, amounts in range, no start date) takes a short path with the same answers."""
    number, problem = given_number
    if problem is None and "employment" not in r and not r.get("start_date"):
        person = found.get(number) if type(found) is rules.Holders else rules.holder_of(number, found)
        name = r.get("name")
        figures = rules.plain_month_figures(r, days)
        if person is not None and figures is not None and name and rules.same_name(name, person):
            return _Checked(r, person, figures, None, {}, None, number)
    item = _Checked(r, None, None, None, {}, None, number)
    fail = item.fail
    chosen = None
    if str(r.get("employment") or "").isdigit():
        # A row of the form's own list names its employment (the page never holds the whole ID number).
        chosen = given.get(int(r["employment"]))
        if chosen is None or chosen.employer_id != employer.pk:
            fail("employment", _("该用工记录属于其他单位，不能在本单位的花名册中报送"))
        person = chosen.person if chosen is not None and chosen.employer_id == employer.pk else None
    else:
        person = rules.find_person(r.get("id_number"), r.get("name"), fail, found, checked=given_number)
    item.person = person
    item.figures = rules.clean_month_figures(r, month, fail)
    item.start = rules._day(r.get("start_date"), "start_date", _("入职日期"), fail) if r.get("start_date") else None
    item.chosen = chosen if person is not None else None
    return item


def roster_outcomes(user, employer: Employer, workshop: Workshop | None, month: datetime.date, rows: list[dict], *,
                    write: bool, reason: str, replace: bool, numbers_checked: bool = False,
                    found: rules.Holders | None = None, carried: dict | None = None) -> RosterResult:
    """The heart of a roster submission (form, API, importer): each row matched to its person (by ID
    number and name) and to their employment at the employer covering the month (one started when
    there is none), checked, then compared with the month's record. With `write` the records are
    written set-based (bulk INSERT / UPDATE / DELETE with history rows); with `replace` the month's
    records of the employer (or workshop) that no row names are removed. The caller holds the
    transaction and has checked the gate. Rows: dicts with row, id_number, name, days_worked, pay,
    insurance, and optionally start_date, workshop (a Workshop of the employer), employment (an id).
    `numbers_checked`: the rows' ID numbers are normalised and valid already (the importer's reader);
    `found`: their holders, when the caller has looked them up already; `carried`: employments at
    this employer that a roster checked before this one starts and has not written yet (person id →
    list), which this one's rows then fall in (their records are written after those employments).

    Rows are rows of values throughout (people, employments and records as tuples, not model
    instances): a chunk of an import has thousands."""
    if numbers_checked:  # the importer's reader has normalised and verified every ID number
        numbers = [(r.get("id_number") or "", None) for r in rows]
    else:
        numbers = [rules.id_number_problem(r.get("id_number")) if r.get("id_number") or not r.get("employment")
                   else ("", None) for r in rows]
    if found is None:
        found = rules.holders(number for number, problem in numbers if problem is None)
    given_ids = [int(r["employment"]) for r in rows if str(r.get("employment") or "").isdigit()]
    given = {e.pk: e for e in Employment.objects.filter(pk__in=given_ids).select_related("person")} if given_ids else {}
    days = rules.days_in(month)
    checked = [_check(r, given_number, found, given, employer, month, days)
               for r, given_number in zip(rows, numbers, strict=True)]
    # The same person twice: both rows refused, each naming the other (nothing is guessed).
    first: dict[int, _Checked] = {}
    for item in checked:
        person = item.person
        if person is None:
            continue
        other = first.get(person.id)
        if other is None:
            first[person.id] = item
            continue
        item.fail("id_number", _("与第 %(n)s 行是同一人：一个月的花名册每人只能有一行") % {"n": other.r["row"]})
        if not any("同一人" in m for m in other.errors.get("id_number", [])):
            other.fail("id_number", _("与第 %(n)s 行是同一人：一个月的花名册每人只能有一行") % {"n": item.r.get("row")})
    people = set(first)
    # The people the rows name: those found, and the holder of a valid number given with another name.
    valid = [number for number, problem in numbers if number and problem is None]
    holder_of = found.get if type(found) is rules.Holders else functools.partial(rules.holder_of, found=found)
    named = people | {holder.id for holder in map(holder_of, valid) if holder is not None}
    by_person: dict[int, list] = {person: list(started) for person, started in (carried or {}).items()
                                  if person in people}
    if people:
        for values in Employment.objects.filter(Among("person_id", people), employer=employer).values_list(*_SPAN):
            employment = _Span(*values)
            by_person.setdefault(employment.person_id, []).append(employment)
    result = RosterResult([], named=named)
    outcomes = result.outcomes
    new_employments: list[Employment] = []
    matched: list[tuple[RowOutcome, Employment, dict, _Checked]] = []
    for item in checked:
        person, errors = item.person, item.errors
        employment = None
        if person is not None and not errors and item.chosen is not None:
            employment = item.chosen
            if not rules.month_before_start(month, employment.start_date, item.fail) and employment.end_date \
                    and employment.end_date.replace(day=1) < month:
                item.fail("month", _("该用工记录已于 %(day)s 结束") % {"day": employment.end_date.isoformat()})
        elif person is not None and not errors:
            employment = _covering(by_person.get(person.id, []), month)
            if employment is None:
                start = item.start
                still_open = next((e for e in by_person.get(person.id, []) if e.end_date is None), None)
                if still_open is not None:
                    rules.month_before_start(month, still_open.start_date, item.fail)
                elif start is not None and start.replace(day=1) > month:
                    item.fail("start_date", _("入职日期 %(day)s 晚于报送月份 %(month)s") % {
                        "day": start.isoformat(), "month": month_label(month)})
                else:
                    row_workshop = item.r.get("workshop") or workshop
                    employment = Employment(person_id=person.id, employer=employer, workshop=row_workshop,
                                            region_code=_workplace(employer, row_workshop),
                                            start_date=start or month)
                    by_person.setdefault(person.id, []).append(employment)
                    new_employments.append(employment)
        if errors:
            outcomes.append(RowOutcome(item.r.get("row"), REJECTED, errors, item.who, [], employment))
            continue
        outcome = RowOutcome(item.r.get("row"), ADD, errors, "", [], employment)
        outcomes.append(outcome)
        matched.append((outcome, employment, item.figures, item))
    # The month's records as rows of values; a model instance only for a record that changes.
    on_file = [e.pk for _o, e, _f, _i in matched if e.pk]
    existing = {values[1]: values for values in MonthlyRecord.objects.filter(
        Among("employment_id", on_file), month=month).values_list("id", *_RECORD)} if on_file else {}
    added, started, updated = [], [], []  # records as rows; (employment, figures) of employments started
    labels = None
    for outcome, employment, figures, item in matched:
        if not employment.pk:
            started.append((employment, figures))
            continue
        values = existing.get(employment.pk)
        if values is None:
            added.append((employment.pk, month, figures["days_worked"], figures["pay"], figures["insurance"]))
            continue
        _id, _employment, _month, days_worked, pay, insurance = values
        if days_worked == figures["days_worked"] and pay == figures["pay"] and insurance == figures["insurance"]:
            outcome.action = UNCHANGED
            continue
        labels = labels or _labels()
        outcome.changes = [(labels[name], str(old), str(figures[name]))
                           for name, old in zip(FIGURES, values[3:], strict=True) if old != figures[name]]
        outcome.action = UPDATE
        outcome.who = item.who
        updated.append(MonthlyRecord(_id, _employment, _month, figures["days_worked"], figures["pay"],
                                     figures["insurance"]))
    removed = []
    if replace:
        # The month's records but those of the rows' employments go, except a person's whose row was
        # refused: whoever a refused row names keeps their records (a bad row never loses data).
        kept = {o.employment.pk for o in outcomes if o.employment is not None and o.employment.pk}
        protected = result.named - {o.employment.person_id for o in outcomes if o.action != REJECTED}
        month_records = MonthlyRecord.objects.filter(employment__employer=employer, month=month)
        if workshop is not None:
            month_records = month_records.filter(employment__workshop=workshop)
        removed = [values[:-1] for values in month_records.values_list("id", *_RECORD, "employment__person_id")
                   if values[1] not in kept and values[-1] not in protected]
    result.removed, result.started = len(removed), len(new_employments)
    result.writes = _Writes(month, new_employments, started, added, updated, removed)
    if write:
        result.write(user, reason)
    return result


@dataclasses.dataclass
class _Writes:
    """What a checked roster writes: employments to start, records to add (rows of values; those
    of employments started with them as (employment, figures)), to update and to remove."""

    month: datetime.date
    new_employments: list
    started: list
    added: list
    updated: list
    removed: list

    def write(self, user, reason: str) -> list:
        """Write it set-based with history rows; the ledger's warnings of the spells opened."""
        warnings = []
        if self.new_employments:
            people_of = Person.objects.in_bulk([e.person_id for e in self.new_employments])
            for employment in self.new_employments:
                employment.person = people_of[employment.person_id]
            warnings = spells.open_spells(user, self.new_employments, _("随用工记录登记"))
            now = timezone.now()
            for employment in self.new_employments:
                employment.created_at = employment.updated_at = now
            inserts.insert_new(Employment, self.new_employments)
            inserts.insert_history(Employment, self.new_employments, user, reason, created=True)
        added = self.added + [(e.pk, self.month, f["days_worked"], f["pay"], f["insurance"])
                              for e, f in self.started]  # their employments' ids drawn just now
        inserts.insert_rows(MonthlyRecord, list(_RECORD), added, user, reason)
        if self.updated:
            MonthlyRecord.objects.bulk_update(self.updated, list(FIGURES), batch_size=1000)
            bulk_history(MonthlyRecord, self.updated, user, reason)
        remove_month_records(user, self.removed, reason)
        return warnings


def remove_month_records(user, records: list[tuple], reason: str) -> None:
    """Remove these monthly records (rows of values: id, then _RECORD), history rows saying so first.
    The caller holds the transaction and has checked the gate."""
    if not records:
        return
    historical = MonthlyRecord.history.model
    now = timezone.now()
    names = ["id", *(MonthlyRecord._meta.get_field(name).attname for name in _RECORD)]
    historical.objects.bulk_create([
        historical(**dict(zip(names, values, strict=True)), history_date=now, history_type="-",
                   history_user=user, history_change_reason=reason) for values in records], batch_size=1000)
    # A raw DELETE: a queryset's delete() would send a signal per record (history rows without the
    # actor and reason, one INSERT each); the rows above say it once, set-based.
    ids = [values[0] for values in records]
    for start in range(0, len(ids), _IN_BATCH):
        gone = MonthlyRecord.objects.filter(pk__in=ids[start:start + _IN_BATCH])
        gone._raw_delete(gone.db)


_IN_BATCH = 900  # ids per IN (…): SQLite's limit on a statement's parameters


@dataclasses.dataclass
class Removal:
    """A monthly record a roster would remove: its values (id, then _RECORD) and whose it is."""

    values: tuple
    who: str

    def changes(self) -> list[tuple[str, str, str]]:
        """(label, old, new) of its figures, as an update lists them: the new value is none."""
        return [(str(MonthlyRecord._meta.get_field(name).verbose_name), str(value), "")
                for name, value in zip(FIGURES, self.values[3:], strict=True)]


def unnamed_month_records(employer: Employer, month: datetime.date, employments: set[int],
                          protected: set[int]) -> list[Removal]:
    """The employer's records of the month that a roster replaces: all but those of `employments`
    (ids: the ones its rows were matched to) and of the `protected` people (ids: those only
    refused rows name). One query for the ids (the server leaves out the kept ones, each set sent
    as one array), then the details of the records it would remove."""
    month_records = MonthlyRecord.objects.filter(employment__employer=employer, month=month)
    if employments:
        month_records = month_records.exclude(Among("employment_id", employments))
    if protected:
        month_records = month_records.exclude(Among("employment__person_id", protected))
    gone = list(month_records.values_list("id", flat=True))
    removals = []
    person = "employment__person__"
    for start in range(0, len(gone), _IN_BATCH):
        for *values, name, head, tail, hashed in MonthlyRecord.objects.filter(
                pk__in=gone[start:start + _IN_BATCH]).values_list(
                "id", *_RECORD, f"{person}name", f"{person}id_number_head", f"{person}id_number_tail",
                f"{person}id_number_hash"):
            masked = Person.id_number.masked(_Masked(head, tail, hashed))
            removals.append(Removal(tuple(values), f"{name}（{masked}）"))
    removals.sort(key=lambda removal: removal.values[0])
    return removals


class _Masked(collections.namedtuple("_Masked", ("id_number_head", "id_number_tail", "id_number_hash"))):
    """What the mask of an ID number reads of a person."""


LABELS = {"id_number": _l("证件号码"), "name": _l("姓名"), "days_worked": _l("出勤天数"), "pay": _l("应发工资"),
          "insurance": _l("意外伤害保险"), "start_date": _l("入职日期"), "month": _l("月份"),
          "employment": _l("用工记录"), "workshop": _l("车间")}


def _refusals(result: RosterResult) -> list[dict]:
    """The refused rows as a submission keeps them: each reason under its column's name."""
    return [{"row": o.row, "who": o.who, "errors": {str(LABELS.get(field, field)): messages
                                                    for field, messages in o.errors.items()}}
            for o in result.refused]


@transaction.atomic
def do_submit_roster(user, employer: Employer, workshop: Workshop | None, month, rows: list[dict], *,
                     source: str = RosterSubmission.Source.FORM, key: str | None = None,
                     request=None) -> RosterResult:
    """A month's roster of the employer (or one of its workshops): it replaces that month's records
    there. Good rows land, refused ones come back with their reasons; resubmitting the same roster
    changes nothing. One RosterSubmission and one audit entry per submission."""
    _gate(user, employer)
    errors, fail = rules._collector()
    if workshop is not None:
        workshop = rules.clean_workshop(employer, workshop, fail)
    month = rules.clean_month(month, fail)
    if errors:
        raise ValidationError(errors)
    previous = writes.once(user, key, lambda: _submit(user, employer, workshop, month, rows, source, request))
    submission, created = previous
    if not created:
        return RosterResult([], submission=submission)
    return submission.result


def _submit(user, employer, workshop, month, rows, source, request) -> RosterSubmission:
    reason = _("%(month)s 花名册报送") % {"month": month_label(month)}
    # Rows are numbered as the submitter sees them when they carry no number of their own.
    rows = [{"row": index, **row} for index, row in enumerate(rows, start=1)]
    result = roster_outcomes(user, employer, workshop, month, rows, write=True, reason=reason, replace=True)
    submission = RosterSubmission.objects.create(
        employer=employer, workshop=workshop, region_code=_workplace(employer, workshop), month=month,
        submitted_by=user, source=source, added=result.count(ADD), updated=result.count(UPDATE),
        removed=result.removed, unchanged=result.count(UNCHANGED), refused=result.count(REJECTED),
        started=result.started, refusals=_refusals(result))
    log.record(user, Action.BULK, submission, request=request, region_code=submission.region_code, detail={
        "what": "roster", "month": month.isoformat(), "added": submission.added, "updated": submission.updated,
        "removed": submission.removed, "unchanged": submission.unchanged, "refused": submission.refused})
    result.submission = submission
    submission.result = result
    return submission
