"""Bulk writes of the ledger from an import: many households, people or job spells at once, each
row checked by the same rules as a form (validation.clean_*), the rows that pass written set-based
(bulk INSERT and UPDATE, history rows in bulk with the importing user and the import as reason, one
audit entry per batch), the household counts and village figures refreshed once per batch.

Every function takes the rows of one batch and `write`: without it nothing is written and the
outcomes say what a write would do (the import's preview); with it the caller holds the
transaction, so a batch is written whole or not at all. Rows the user may not write (a village or
a person outside their region) are refused like any other bad row.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import crypto, inserts, sensitive
from bangfu.core.among import Among
from bangfu.core.history import bulk_history, record_baselines
from bangfu.core.history import display_value as display
from bangfu.core.pages import forget_counts
from bangfu.core.permissions import Forbidden, can, narrowing_of, scope
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry import choices as c
from bangfu.registry import figures
from bangfu.registry.actions import _align_spells, _change_spell, _changed_fields, _job_of, _record_spell
from bangfu.registry.models import NUMBER_TAIL, EmploymentSpell, Household, Person
from bangfu.registry.permissions import Perm
from bangfu.registry.services import (
    follow_person_region,
    household_figures,
    refresh_households,
    sync_status_from_spells,
    update_people,
)
from bangfu.registry.validation import (
    Known,
    clean_household,
    clean_person,
    clean_spell,
    clean_text,
    spell_conflict,
    this_month,
)

ADD, UPDATE, UNCHANGED, REJECTED = "add", "update", "unchanged", "rejected"
BATCH = 500  # rows per INSERT / UPDATE statement


@dataclasses.dataclass
class Row:
    """One record to write. `data` holds plain values as the clean_* functions take them (an ID
    number in clear). People may name their household by its number (户编号) and give that
    household's own fields, used when the household is new."""

    ref: object
    data: dict
    household_number: str = ""
    household: dict | None = None


@dataclasses.dataclass
class Outcome:
    ref: object
    action: str
    errors: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # field → messages
    changes: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # (label, old, new)
    who: str = ""
    record: object = None  # the record written or found (None for a refused row, or a preview's new one)


def _refused(row: Row, errors: dict, who: str = "") -> Outcome:
    return Outcome(row.ref, REJECTED, errors, who=who)


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}


def _villages(region_codes) -> frozenset[str]:
    wanted = {code for code in region_codes if code}
    return frozenset(Region.objects.filter(code__in=wanted, level=codes.VILLAGE).values_list("code", flat=True))


def _audit(user, what: str, outcomes: list[Outcome], reason: str) -> None:
    """One entry for the batch, filed under the importing user's region."""
    added = sum(o.action == ADD for o in outcomes)
    updated = sum(o.action == UPDATE for o in outcomes)
    if added or updated:
        log.record(user, Action.BULK, region_code=user.region_id or "",
                   detail={"what": what, "rows": added + updated, "added": added, "updated": updated,
                           "reason": reason})


# --- how a change reads --------------------------------------------------------------------------

def _change_list(model, record, values: dict, names: list[str]) -> list[tuple[str, str, str]]:
    changes = []
    for name in names:
        if name in sensitive.identifiers_of(model):
            declared = sensitive.identifier(model, name)
            changes.append((str(declared.label), getattr(record, f"{name}_masked"), _("已更改")))
        elif name == "household":
            old, new = record.household, values.get("household")
            changes.append((_("家庭户"), old.number if old else "—", new.number if new else "—"))
        else:
            field = model._meta.get_field(name)
            old, new = display(field, getattr(record, name)), display(field, values[name])
            changes.append((str(field.verbose_name), old, new))
    return changes


def _compared(row: Row, record, values: dict, who: str) -> Outcome:
    """Unchanged, or an update listing each field's old and new value, for a record on file and the
    values a row gives it."""
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    if not changed:
        return Outcome(row.ref, UNCHANGED, who=who, record=record)
    return Outcome(row.ref, UPDATE, changes=_change_list(type(record), record, values, changed), who=who,
                   record=record)


# --- households ----------------------------------------------------------------------------------

def import_households(user, rows: list[Row], *, reason: str, write: bool) -> list[Outcome]:
    """Households by their number (户编号): new ones added with it, known ones updated with what the
    row gives (a household moved to another village takes its members with it)."""
    numbers = [row.household_number for row in rows]
    existing = {h.number: h for h in Household.objects.filter(Among("number", numbers))}
    known = Known(_villages(row.data.get("region_code") for row in rows), {})
    outcomes, added, updated = [], [], []
    for row in rows:
        household = existing.get(row.household_number)
        who = _("户编号 %(n)s") % {"n": row.household_number}
        if household is not None and not can(user, Perm.EDIT_LEDGER, household.region_code):
            outcomes.append(_refused(row, {"household_number": [_("该户编号已登记在您管辖范围以外的台账中")]}, who))
            continue
        try:
            values = clean_household(row.data, household, known)
        except ValidationError as exc:
            outcomes.append(_refused(row, _messages(exc), who))
            continue
        region = values.get("region_code", household.region_code if household else "")
        if not can(user, Perm.EDIT_LEDGER, region):
            outcomes.append(_refused(row, {"region_code": [_("您无权在该区划进行此操作")]}, who))
            continue
        if household is None:
            household = _new_household(row.household_number, values)
            existing[row.household_number] = household  # a second row of the number updates this one
            added.append(household)
            outcomes.append(Outcome(row.ref, ADD, who=who, record=household))
            continue
        outcomes.append(_compared(row, household, values, who))
        if outcomes[-1].action == UNCHANGED:
            continue
        if household.pk is not None:
            updated.append((household, values, household.region_code))
        for name, value in values.items():  # a later row of the same number sees this state
            setattr(household, name, value)
    if write:
        _write_households(user, added, updated, reason)
        _audit(user, "household", outcomes, reason)
    return outcomes


def _write_households(user, added: list[Household], updated: list, reason: str) -> None:
    if added:
        inserts.insert_new(Household, added)
        inserts.insert_history(Household, added, user, reason, created=True)
        figures.mark_stale({h.region_code for h in added})
    if not updated:
        return
    records = [household for household, _values, _old in updated]
    never = set(h.pk for h in records) - set(
        Household.history.filter(id__in=[h.pk for h in records]).values_list("id", flat=True))
    if never:
        # Their state before this change, read back as stored.
        record_baselines(Household, Household.objects.filter(pk__in=never))
    now = timezone.now()
    fields = sorted({name for _household, values, _old in updated for name in values} | {"updated_at"})
    for household in records:
        household.version += 1
        household.updated_at = now
    Household.objects.bulk_update(records, [*fields, "version"], batch_size=BATCH)
    bulk_history(Household, records, user, reason)
    moved = [(h, old) for h, _values, old in updated if h.region_code != old]
    figures.mark_stale({old for _h, _v, old in updated} | {h.region_code for h in records})
    for household, _old in moved:
        members = Person.objects.filter(household=household)
        update_people(members, reason, user, region_code=household.region_code)
        follow_person_region(members)
    forget_counts(Household)


# --- people --------------------------------------------------------------------------------------

def _who(name: str, number: str) -> str:
    return f"{name}（{Person.id_number.mask_text(number)}）" if number else name


def _holders(numbers, known: Known | None = None) -> dict[str, Person]:
    """Who holds each of these ID numbers (by hash under any active key); `known` keeps the hashes
    it computed, for its holder() to use again."""
    hashing = known.hashes if known is not None else crypto.lookup_hashes
    hashes = {h for number in numbers if number for h in hashing(number)}
    people = Person.objects.filter(Among("id_number_hash", hashes)).select_related("household")
    return {person.id_number_hash: person for person in people}


def _may(user):
    """can(user, EDIT_LEDGER, region), asked once per region within a batch."""
    answers: dict[str, bool] = {}

    def may(region_code: str) -> bool:
        answer = answers.get(region_code)
        if answer is None:
            answer = answers[region_code] = can(user, Perm.EDIT_LEDGER, region_code)
        return answer

    return may


def _writable(user, people) -> set[int]:
    """The ids among these people the user may edit (one scoped query)."""
    ids = [p.pk for p in people]
    return set(scope(user, Person.objects.filter(pk__in=ids), Perm.EDIT_LEDGER).values_list("pk", flat=True))


@dataclasses.dataclass
class PeoplePlan:
    """What import_people found a batch of rows to be, before writing: each row's outcome, and
    what a write adds and changes."""

    outcomes: list[Outcome]
    new_households: list[Household]
    new_people: list  # (field values, job) of each person to add
    updates: list  # (person, field values, job) of each person to change
    had_spell: set[int]


def import_people(user, rows: list[Row], *, reason: str, write: bool, existing_only: bool = False,
                  pending: set[str] = frozenset(), plan: PeoplePlan | None = None) -> list[Outcome]:
    """People by their ID number: new ones added (with their household when its number is new),
    known ones updated with the fields the row gives. With `existing_only` a row may only update
    someone on file (a row of someone in `pending`, ID numbers that an earlier step of the same
    preview would add, counts as an update). New people are written as the dicts of field values
    clean_person gives (no model instance each: an import adds them by the hundred thousand).
    `plan`: what plan_people found these rows to be, when it was asked before (the import checks
    the next batch while the database writes this one)."""
    if plan is None:
        plan = plan_people(user, rows, existing_only=existing_only, pending=pending, write=write)
    if write:
        _write_people(user, plan.new_households, plan.new_people, plan.updates, reason, plan.had_spell)
        _audit(user, "person", plan.outcomes, reason)
    return plan.outcomes


def plan_people(user, rows: list[Row], *, existing_only: bool = False, pending: set[str] = frozenset(),
                write: bool = True, carried: dict[str, Household] | None = None) -> PeoplePlan:
    """import_people's checks of every row, nothing written. `carried`: households by number that
    earlier batches of the same import add and the database may not show yet (being written)."""
    numbers = [row.data.get("id_number", "") for row in rows]
    known = Known(frozenset(), {})
    holders = _holders(numbers, known)
    writable = _writable(user, holders.values())
    asked = {row.household_number for row in rows if row.household_number}
    households = {h.number: h for h in Household.objects.filter(Among("number", asked))}
    for number in asked & set(carried or ()) - set(households):
        households[number] = carried[number]
    villages = [row.data.get("region_code") for row in rows] + [
        (row.household or {}).get("region_code") for row in rows] + [
        h.region_code for h in households.values()] + [p.region_code for p in holders.values()]
    known = Known(_villages(villages), holders, known._hashes)
    open_spells = {s.person_id: s for s in EmploymentSpell.objects.filter(
        person_id__in=[p.pk for p in holders.values()], end_month__isnull=True)} if holders else {}
    sealer = crypto.Sealer()
    may = _may(user)
    outcomes: list[Outcome] = []
    new_people, new_households, updates = [], [], []
    for row, number in zip(rows, numbers, strict=True):
        person = known.holder(number)
        who = _who(row.data.get("name") or (person.name if person else ""), number)
        if person is not None and person.pk not in writable:
            outcomes.append(_refused(row, {"id_number": [_("该身份证号已登记在您管辖范围以外的台账中")]}, who))
            continue
        if person is None and existing_only:
            if number in pending:
                outcomes.append(Outcome(row.ref, UPDATE, who=who))
            else:
                outcomes.append(_refused(row, {"id_number": [_("台账中没有此人：请先导入人员信息")]}, who))
            continue
        data = dict(row.data)
        if row.household_number:
            household = households.get(row.household_number)
            if household is None:
                try:
                    values = clean_household(row.household or {"region_code": data.get("region_code")}, None, known)
                except ValidationError as exc:
                    outcomes.append(_refused(row, _messages(exc), who))
                    continue
                household = _new_household(row.household_number, values)
                households[row.household_number] = household
                new_households.append(household)
            elif household.pk is not None and not may(household.region_code):
                outcomes.append(_refused(row, {"household_number": [_("该户编号已登记在您管辖范围以外的台账中")]}, who))
                continue
            data["household"] = household
        job, data = _job_of(data, person, open_spells.get(person.pk) if person else None)
        try:
            values = clean_person(data, person, sealer, known)
        except ValidationError as exc:
            outcomes.append(_refused(row, _messages(exc), who))
            continue
        if not may(values.get("region_code", person.region_code if person else "")):
            outcomes.append(_refused(row, {"region_code": [_("您无权在该区划进行此操作")]}, who))
            continue
        if person is None:
            if write:  # a preview needs no record of it
                new_people.append((values, job))
            outcomes.append(Outcome(row.ref, ADD, who=who))
            continue
        changed = _changed_fields(person, values)
        if not changed:
            outcomes.append(Outcome(row.ref, UNCHANGED, who=who, record=person))
            continue
        outcomes.append(Outcome(row.ref, UPDATE, changes=_change_list(Person, person, values, changed), who=who,
                                record=person))
        updates.append((person, values, job))
    return PeoplePlan(outcomes, new_households, new_people, updates, set(open_spells))


def _new_household(number: str, values: dict) -> Household:
    return Household(number=number, number_tail=number[-NUMBER_TAIL:], **values)  # as Household.save sets it


def _write_people(user, new_households, new_people, updates, reason: str, had_spell: set[int]) -> None:
    # Households added here whose members are all added here too are counted from those members
    # as they are written (the set-based recount would only read them back); any other household
    # a member joined or left is recounted in the database.
    joining = {id(values["household"]) for _person, values, _job in updates if values.get("household") is not None}
    members: dict[int, list] = {}
    for values, _job in new_people:
        if values.get("household") is not None:
            members.setdefault(id(values["household"]), []).append(values)
    counted = set()
    for household in new_households:
        if id(household) not in joining:
            for name, value in household_figures(members.get(id(household), ())).items():
                setattr(household, name, value)
            counted.add(id(household))
    inserts.insert_new(Household, new_households)
    inserts.insert_history(Household, new_households, user, reason, created=True)
    people = [values for values, _job in new_people]
    inserts.insert_values(Person, people)
    inserts.insert_history(Person, people, user, reason, created=True)
    stale = {p["region_code"] for p in people}
    households = {p["household"].pk for p in people
                  if p.get("household") is not None and id(p["household"]) not in counted}
    records = []
    if updates:
        records = [person for person, _values, _job in updates]
        stale |= {p.region_code for p in records}
        households |= {p.household_id for p in records}
        never = {p.pk for p in records} - set(
            Person.history.filter(id__in=[p.pk for p in records]).values_list("id", flat=True))
        if never:
            record_baselines(Person, Person.objects.filter(pk__in=never))
        now = timezone.now()
        fields = {"version", "updated_at"}
        moved = []
        for person, values, _job in updates:
            if values.get("region_code", person.region_code) != person.region_code:
                moved.append(person.pk)
            for name, value in values.items():
                setattr(person, name, value)
            person.version += 1
            person.updated_at = now
            fields |= set(values)
        Person.objects.bulk_update(records, sorted(fields), batch_size=BATCH)
        bulk_history(Person, records, user, reason)
        if moved:
            follow_person_region(moved)
        stale |= {p.region_code for p in records}
        households |= {p.household_id for p in records}
    # A status that says employed is held by an open spell (the person's status follows it); only
    # someone who had one (updates) can have it ended or its workplace changed.
    month = this_month()
    _start_spells(user, [(person, job) for person, job in new_people if job.start], month, reason)
    for person, _values, job in updates:
        if job.start or (person.pk in had_spell and (job.end or job.employer_name is not None)):
            _align_spells(user, person, job, month, source=c.SpellSource.IMPORT)
    figures.mark_stale(stale)
    households.discard(None)
    if households:
        refresh_households(Household.objects.filter(pk__in=households))
    forget_counts(Person)
    written = [p["id"] for p in people] + [p.pk for p in records]
    narrowing = narrowing_of(user, Person)
    if narrowing is not None and scope(user, Person.objects.filter(pk__in=written), Perm.EDIT_LEDGER).count() != len(
            written):
        raise Forbidden(narrowing.refusal)


def _start_spells(user, started: list, month: datetime.date, reason: str) -> None:
    """The spells that hold the employed status of people just added (their field values, ids
    given), set-based: a new person has no other spell to fit among, and their status already
    says what the spell gives."""
    spells = []
    for person, job in started:
        place, channel = c.STATUS_SPELL[job.start]
        values = clean_spell({"start_month": month, "place": place, "channel": channel,
                              "employer_name": job.employer_name or "", "source": c.SpellSource.IMPORT})
        spells.append({"person_id": person["id"], "region_code": person["region_code"], **values})
    inserts.insert_values(EmploymentSpell, spells)
    inserts.insert_history(EmploymentSpell, spells, user, reason, created=True)


# --- job spells ----------------------------------------------------------------------------------

SPELL_FIELDS = ("end_month", "place", "channel", "employer_name", "monthly_income", "transport_subsidy")


def import_spells(user, rows: list[Row], *, reason: str, write: bool, pending: set[str] = frozenset()) -> list[Outcome]:
    """Job spells of people on file, by ID number and start month: a spell starting in the same
    month is the same spell (updated with what the row gives), another is added where it fits
    among the person's spells. The people's employment status then follows their open spell; a
    row's 就业服务需求 is the person's own (it updates them, as a plan's does)."""
    numbers = [row.data.get("id_number", "") for row in rows]
    holders = _holders(numbers)
    writable = _writable(user, holders.values())
    spells = {(s.person_id, s.start_month): s for s in EmploymentSpell.objects.filter(
        person_id__in=[p.pk for p in holders.values()])}
    known = Known(frozenset(), holders)
    outcomes, touched = [], set()
    for row, number in zip(rows, numbers, strict=True):
        person = known.holder(number)
        data = {k: v for k, v in row.data.items() if k not in ("id_number", "service_needs")}
        who = _who(row.data.get("name", "") or (person.name if person else ""), number)
        if "service_needs" in row.data:
            _need, problem = clean_text(row.data["service_needs"], 200)
            if problem:
                outcomes.append(_refused(row, {"service_needs": [problem]}, who))
                continue
        if person is None:
            if number in pending:
                outcomes.append(Outcome(row.ref, ADD, who=who))
            else:
                outcomes.append(_refused(row, {"id_number": [_("台账中没有此人：请先导入人员信息")]}, who))
            continue
        if person.pk not in writable:
            outcomes.append(_refused(row, {"id_number": [_("该身份证号已登记在您管辖范围以外的台账中")]}, who))
            continue
        spell = spells.get((person.pk, data.get("start_month")))
        try:
            if spell is None:
                values = clean_spell(data)
                if not write:  # a write checks its place among the spells itself, as it goes
                    _closing, refusal = spell_conflict(person, values["start_month"], values.get("end_month"))
                    if refusal is not None:
                        raise refusal
                    outcomes.append(Outcome(row.ref, ADD, who=who))
                    continue
                spell, _closed = _record_spell(user, person, data, reason)
                spells[(person.pk, spell.start_month)] = spell
                outcomes.append(Outcome(row.ref, ADD, who=who, record=spell))
                touched.add(person.pk)
                continue
            outcomes.append(_compared(row, spell, clean_spell(data, spell), who))
            if write and outcomes[-1].action == UPDATE:
                _change_spell(user, spell, data, reason)
                touched.add(person.pk)
        except ValidationError as exc:
            outcomes.append(_refused(row, _messages(exc), who))
    if write and touched:
        sync_status_from_spells(sorted(touched), user, reason)
        _audit(user, "spell", outcomes, reason)
    return _with_needs(user, rows, outcomes, reason=reason, write=write)


def _with_needs(user, rows: list[Row], outcomes: list[Outcome], *, reason: str, write: bool) -> list[Outcome]:
    """Write the 就业服务需求 the spell rows give onto their people (through import_people: history,
    audit) and fold each change into its row's outcome: a spell unchanged whose person's need
    changed is an update."""
    accepted = {outcome.ref for outcome in outcomes if outcome.record is not None}
    asked = [Row(row.ref, {"id_number": row.data["id_number"], "service_needs": row.data["service_needs"]})
             for row in rows if row.ref in accepted and "service_needs" in row.data]
    if not asked:
        return outcomes
    needs = {outcome.ref: outcome for outcome in
             import_people(user, asked, reason=reason, write=write, existing_only=True) if outcome.action == UPDATE}
    for outcome in outcomes:
        need = needs.get(outcome.ref)
        if need is not None and outcome.action in (UPDATE, UNCHANGED):
            outcome.action = UPDATE
            outcome.changes = [*outcome.changes, *need.changes]
    return outcomes

# --- plans (计划外出务工) --------------------------------------------------------------------------

def import_plans(user, rows: list[Row], *, reason: str, write: bool, pending: set[str] = frozenset()) -> list[Outcome]:
    """Whether people on file plan to work (是否计划务工) and how far they would go: someone without
    work becomes 未就业有就业意愿 or 暂无就业意愿 (reason 其他, unless one is on file); someone working
    keeps their job (only how far they would go is noted)."""
    holders = _holders(row.data.get("id_number", "") for row in rows)
    known = Known(frozenset(), holders)
    asked = []
    for row in rows:
        number = row.data.get("id_number", "")
        person = known.holder(number)
        data = {key: value for key, value in row.data.items() if key in ("id_number", "wish_travel", "service_needs")}
        if person is None or not person.is_employed:
            if row.data.get("plans_work"):
                data["employment_status"] = c.EmploymentStatus.SEEKING
            else:
                data["employment_status"] = c.EmploymentStatus.NOT_SEEKING
                kept = person.not_seeking_reason if person is not None else ""
                data["not_seeking_reason"] = kept or c.NotSeekingReason.OTHER
        asked.append(Row(row.ref, data))
    return import_people(user, asked, reason=reason, write=write, existing_only=True, pending=pending)
