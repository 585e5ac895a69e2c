"""Every write to the ledger: pages, API, CLI, imports and tests call these, so that the rules,
the gate, history (with its actor) and the audit log are never skipped.

Editable records carry a version: pass the version the editor saw as `version=` and an edit made
on an older one is refused (core.writes.StaleEdit). Creations take a submission `key=`: the same
key again returns the record already made.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import history, sensitive, writes
from bangfu.core.history import changes_since, record_baselines
from bangfu.core.permissions import check, check_reaches, reaches
from bangfu.registry import choices as c
from bangfu.registry import figures
from bangfu.registry.choices import FollowUpAction
from bangfu.registry.history import DERIVED
from bangfu.registry.models import EmploymentSpell, FollowUp, Household, Person, Skill, Survey
from bangfu.registry.permissions import Perm
from bangfu.registry.services import follow_person_region, refresh_household, update_people
from bangfu.registry.validation import (
    DuplicatePerson,
    clean_follow_up,
    clean_household,
    clean_person,
    clean_spell,
    clean_survey,
    guard_id_probe,
    spell_conflict,
    this_month,
)

# Person fields a survey may update (the household and identity stay with officers).
SURVEY_FIELDS = [
    "phone", "education", "labour_ability", "poverty_status", "monitoring_category", "relocated",
    "relocation_site", "disability_category", "disability_grade", "disability_card",
    "employment_status", "employer_name", "not_seeking_reason", "wish_jobs", "wish_travel",
    "wish_pay", "wish_hours", "training_wishes", "service_needs",
]
IDENTIFIER_FIELDS = tuple(sensitive.identifiers_of(Person))


def set_skills(person: Person, names: list[str]) -> None:
    """Link skills by name; a name outside the vocabulary is added as a non-standard skill."""
    wanted = sorted({n.strip()[:40] for n in names if n and n.strip()})
    existing = {s.name: s for s in Skill.objects.filter(name__in=wanted)}
    Skill.objects.bulk_create([Skill(name=n) for n in wanted if n not in existing], ignore_conflicts=True)
    person.skills.set(Skill.objects.filter(name__in=wanted))


def _skills_differ(person: Person, skills: list[str] | None) -> bool:
    """Whether a given skills list (None: not given) differs from the person's."""
    return skills is not None and sorted(skills) != sorted(person.skills.values_list("name", flat=True))


def _ensure_baseline(record) -> None:
    """Generated and imported records have no history row yet: record their state before a change."""
    if not record.history.exists():
        record_baselines(type(record), [record])


def _save(user, record, reason: str, skills: list[str] | None = None) -> None:
    """Save with the actor and reason; a person's new skills are part of the same history row."""
    record._history_user = user
    record._change_reason = reason
    history.save_with_links(record, None if skills is None else lambda: set_skills(record, skills))


def _clean(user, data: dict, person: Person | None = None) -> dict:
    try:
        return clean_person(data, person)
    except DuplicatePerson as exc:
        if exc.visible and not reaches(user, exc.existing, Perm.VIEW_LEDGER):
            raise DuplicatePerson(exc.existing, visible=False) from None
        raise


def _person_changes_since(person: Person, version: int):
    return changes_since(person, version, DERIVED)


# --- people --------------------------------------------------------------------------------------

def do_create_person(user, data: dict, *, skills: list[str] | None = None, key: str | None = None,
                     request=None) -> Person:
    return guard_id_probe(user, data, None, lambda: _create_person(user, data, skills, key, request),
                          request=request)


@transaction.atomic
def _create_person(user, data: dict, skills: list[str] | None, key: str | None, request) -> Person:
    def create() -> Person:
        job, given = _job_of(data, None)
        values = _clean(user, given)
        check(user, Perm.EDIT_LEDGER, values["region_code"])
        person = Person(**values)
        _save(user, person, _("新增"), skills)
        figures.mark_stale([person.region_code])
        _align_spells(user, person, job, this_month())
        refresh_household(person.household_id)
        check_reaches(user, person, Perm.EDIT_LEDGER)
        log.record(user, Action.CREATE, person, request=request)
        return person

    return writes.once(user, key, create)[0]


# Stored columns that only follow another one; a change shows as the field a user knows.
_DERIVED = DERIVED | sensitive.hidden_columns(Person)
_SHOWN_AS = {column: declared.name for column, declared in sensitive.hash_columns(Person).items()}


def _changed_fields(person: Person, values: dict) -> list[str]:
    return [_SHOWN_AS.get(k, k) for k, v in values.items() if k not in _DERIVED and getattr(person, k) != v]


def do_update_person(user, person: Person, data: dict, *, skills: list[str] | None = None,
                     reason: str = "", perm: str = Perm.EDIT_LEDGER, version: int | None = None,
                     request=None) -> list[str]:
    """Apply the changed fields; returns the names of the fields that changed."""
    check(user, perm, person.region_code)
    return guard_id_probe(user, data, person, lambda: _update_person(
        user, person, data, skills=skills, reason=reason, perm=perm, version=version, request=request),
        request=request)


@transaction.atomic
def _update_person(user, person: Person, data: dict, *, skills, reason, perm, version, request) -> list[str]:
    current = writes.lock(Person, person.pk)
    writes.check_version(current, version, _person_changes_since)
    job, data = _job_of(data, current)
    values = _clean(user, data, current)
    check(user, perm, values["region_code"])  # clean_person always gives the (possibly new) village
    changed = _changed_fields(current, values)
    skills_changed = _skills_differ(current, skills)
    if not changed and not skills_changed:
        return []
    _apply_person(user, current, values, reason or _("修改"), skills if skills_changed else None)
    _align_spells(user, current, job, this_month())
    if skills_changed:
        changed.append("skills")
    check_reaches(user, current, perm)
    _refresh_from(person, current)
    log.record(user, Action.UPDATE, person, request=request, detail={"fields": changed, "reason": reason})
    return changed


def _apply_person(user, person: Person, values: dict, reason: str, skills: list[str] | None = None) -> None:
    _ensure_baseline(person)
    old_household, old_region = person.household_id, person.region_code
    for key, value in values.items():
        setattr(person, key, value)
    person.version += 1
    _save(user, person, reason, skills)
    figures.mark_stale([old_region, person.region_code])
    if person.region_code != old_region:
        follow_person_region([person.pk])
    for household_id in {old_household, person.household_id}:
        refresh_household(household_id)


def _refresh_from(person: Person, current: Person) -> None:
    """The caller's instance takes the stored state (views and API answer with it)."""
    for field in Person._meta.concrete_fields:
        setattr(person, field.attname, getattr(current, field.attname))
    person._state.fields_cache.clear()


# --- surveys -------------------------------------------------------------------------------------

@transaction.atomic
def do_record_survey(user, person: Person, *, visited_on: datetime.date, findings: str, data: dict,
                     skills: list[str] | None = None, key: str | None = None, request=None) -> Survey:
    """Save a door-to-door survey and apply what it found to the person's record. A survey older
    than the latest one applied is kept, but does not overwrite what the newer one recorded."""
    check(user, Perm.RECORD_SURVEY, person.region_code)
    visited_on, findings = clean_survey(visited_on, findings)

    def create() -> Survey:
        current = writes.lock(Person, person.pk)
        survey = Survey(person=current, region_code=current.region_code, visited_on=visited_on,
                        surveyor=user, findings=findings)
        _save(user, survey, _("新增"))
        changed: list[str] = []
        if current.surveyed_on is None or visited_on >= current.surveyed_on:
            fields = {k: v for k, v in data.items() if k in SURVEY_FIELDS}
            before = {k: _plain(current, k) for k in fields}
            skills_before = _skill_list(current)
            changed = _survey_update(user, current, fields, skills, visited_on)
            survey.changes = {k: [_text(before.get(k)), _text(_plain(current, k))] for k in changed if k in before}
            if "skills" in changed:
                survey.changes["skills"] = [skills_before, _skill_list(current)]
        else:
            survey.superseded = True
        survey.save(update_fields=["changes", "superseded"])
        check_reaches(user, current, Perm.RECORD_SURVEY)
        _refresh_from(person, current)
        log.record(user, Action.SURVEY, survey, request=request, detail={"person": person.pk, "fields": changed})
        return survey

    return writes.once(user, key, create)[0]


def _survey_update(user, person: Person, fields: dict, skills, visited_on: datetime.date) -> list[str]:
    job, fields = _job_of(fields, person)
    values = _clean(user, fields, person)
    changed = _changed_fields(person, values)
    skills_changed = _skills_differ(person, skills)
    values["surveyed_on"] = visited_on
    _apply_person(user, person, values, _("走访 %(date)s") % {"date": visited_on.isoformat()},
                  skills if skills_changed else None)
    _align_spells(user, person, job, visited_on.replace(day=1), source=c.SpellSource.SURVEY)
    if skills_changed:
        changed.append("skills")
    return changed


def _skill_list(person: Person) -> str:
    return "、".join(sorted(person.skills.values_list("name", flat=True)))


def _text(value) -> str:
    return "" if value is None else str(value)


def _plain(person: Person, field: str):
    if field in IDENTIFIER_FIELDS:
        return getattr(person, f"{field}_masked")
    return getattr(person, field)


def do_reveal_identifier(user, person: Person, field: str, *, request=None) -> str:
    """The full identifier, for a role that may see it; each reveal is written to the audit log."""
    check(user, Perm.REVEAL_IDENTIFIER, person.region_code)
    return sensitive.reveal(user, person, field, request=request)


# --- households ----------------------------------------------------------------------------------

@transaction.atomic
def do_create_household(user, data: dict, *, key: str | None = None, request=None) -> Household:
    def create() -> Household:
        values = clean_household(data)
        check(user, Perm.EDIT_LEDGER, values["region_code"])
        household = Household(**values, number=_next_household_number(values["region_code"]))
        _save(user, household, _("新增"))
        figures.mark_stale([household.region_code])
        check_reaches(user, household, Perm.EDIT_LEDGER)
        log.record(user, Action.CREATE, household, request=request)
        return household

    return writes.once(user, key, create)[0]


@transaction.atomic
def do_update_household(user, household: Household, data: dict, *, version: int | None = None,
                        request=None) -> list[str]:
    """Apply the changed fields. A move to another village moves its members with it (each
    member's record gets a history row and the move one audit entry)."""
    check(user, Perm.EDIT_LEDGER, household.region_code)
    current = writes.lock(Household, household.pk)
    writes.check_version(current, version, changes_since)
    values = clean_household(data, current)
    check(user, Perm.EDIT_LEDGER, values.get("region_code", current.region_code))
    changed = [k for k, v in values.items() if getattr(current, k) != v]
    if not changed:
        return []
    _ensure_baseline(current)
    old_region = current.region_code
    for key, value in values.items():
        setattr(current, key, value)
    current.version += 1
    _save(user, current, _("修改"))
    figures.mark_stale([old_region, current.region_code])
    if current.region_code != old_region:
        _move_members(user, current, old_region, request)
    for field in Household._meta.concrete_fields:
        setattr(household, field.attname, getattr(current, field.attname))
    log.record(user, Action.UPDATE, household, request=request, detail={"fields": changed})
    return changed


def _move_members(user, household: Household, old_region: str, request) -> None:
    """Set-based: the members move with their household, each with a history row; one audit entry."""
    reason = _("随家庭户迁至 %(code)s") % {"code": household.region_code}
    moved = update_people(Person.objects.filter(household=household), reason, user,
                          region_code=household.region_code)
    follow_person_region(Person.objects.filter(household=household))
    if moved:
        log.record(user, Action.BULK, household, request=request,
                   detail={"what": "person", "rows": moved, "reason": reason, "from": old_region})


def _next_household_number(region_code: str) -> str:
    last = (Household.objects.filter(number__startswith=region_code).order_by("-number")
            .values_list("number", flat=True).first())
    sequence = int(last[12:]) + 1 if last and last[12:].isdigit() else 1
    return f"{region_code}{sequence:04d}"


# --- zero-employment follow-ups ------------------------------------------------------------------

@transaction.atomic
def do_record_follow_up(user, household: Household, *, done_on: datetime.date, action: str, note: str = "",
                        key: str | None = None, request=None) -> FollowUp:
    check(user, Perm.FOLLOW_UP, household.region_code)
    done_on, action, note = clean_follow_up(done_on, action, note)

    def create() -> FollowUp:
        # "已解决" closes the case only when a member works: the queue would list it again anyway.
        if action == FollowUpAction.RESOLVED and writes.lock(Household, household.pk).zero_employment:
            raise ValidationError({"action": [_("该户仍是零就业家庭（有就业意愿的劳动力都未就业），不能记为已解决："
                                                "请先在成员档案中登记就业")]})
        follow_up = FollowUp(household=household, region_code=household.region_code, done_on=done_on,
                             action=action, note=note, officer=user)
        _save(user, follow_up, _("新增"))
        log.record(user, Action.FOLLOW_UP, follow_up, request=request, detail={"household": household.pk})
        return follow_up

    return writes.once(user, key, create)[0]


# --- job spells ----------------------------------------------------------------------------------
# A person's employment status and workplace follow their open spell. Writes that give a status
# (an API client's PATCH, a survey) become spells here: an employed status that differs from the
# open spell's starts a new spell (closing the open one), an unemployed status ends the open spell.

@dataclasses.dataclass
class _Job:
    """What a person write asks of the person's spells (from its employment fields)."""

    start: str | None = None        # an employed status: a spell of it from the write's month
    employer_name: str | None = None  # the open spell's workplace, changed
    end: bool = False               # an unemployed status: the open spell ends in the write's month


def _open_spell(person: Person | None) -> EmploymentSpell | None:
    if person is None or person.pk is None:
        return None
    return EmploymentSpell.objects.filter(person=person, end_month__isnull=True).first()


_LOOK = object()


def _job_of(data: dict, person: Person | None, current=_LOOK) -> tuple[_Job, dict]:
    """What the write asks of the spells, and its data with the workplace the spells will give.
    (`current`, the person's open spell or None, when the caller has looked it up already.)"""
    wanted = data.get("employment_status")
    employer = data.get("employer_name")
    if current is _LOOK:
        current = _open_spell(person)
    if wanted in c.EMPLOYED_STATUSES:
        if current is None or current.status != wanted:
            job = _Job(start=wanted, employer_name=employer or "")
        else:
            job = _Job(employer_name=employer if employer is not None and employer != current.employer_name else None)
    elif wanted:  # seeking or not seeking: a workplace given stays with the spell that ends
        job = _Job(end=True)
    elif employer is not None and employer != (current.employer_name if current else ""):
        if current is None:
            raise ValidationError({"employer_name": [_("没有在岗的务工经历，不能填写就业单位/地点：请先登记务工经历")]})
        job = _Job(employer_name=employer)
    else:
        job = _Job()
    if job.start or job.end:
        data = {**data, "employer_name": job.employer_name or ""}
    return job, data


def _align_spells(user, person: Person, job: _Job, month, *, source: str = c.SpellSource.MANUAL) -> None:
    """Make the person's spells say what a person write said (the person is saved already, with
    the status and workplace these spells give). A spell's refusal is the status field's."""
    current = _open_spell(person)
    try:
        if job.start:
            place, channel = c.STATUS_SPELL[job.start]
            _record_spell(user, person, {"start_month": month, "place": place, "channel": channel,
                                         "employer_name": job.employer_name or "", "source": source},
                          _("随就业状态登记"))
        elif job.end and current is not None:
            _change_spell(user, current, {"end_month": month}, _("随就业状态结束"))
        elif job.employer_name is not None and current is not None:
            _change_spell(user, current, {"employer_name": job.employer_name}, _("随就业单位修改"))
    except ValidationError as exc:
        raise ValidationError({"employment_status": [m for ms in exc.message_dict.values() for m in ms]}) from None
    _follow_spells(user, person)  # a no-op when the write gave what the spells give


def _record_spell(user, person: Person, data: dict, reason: str) -> tuple[EmploymentSpell, EmploymentSpell | None]:
    """A new spell (and the open one it closes, if it starts a new job): no gate, no status sync."""
    values = clean_spell(data)
    closing, refusal = spell_conflict(person, values["start_month"], values.get("end_month"))
    if refusal is not None:
        raise refusal
    if closing is not None:
        _change_spell(user, closing, {"end_month": values["start_month"]}, _("新的务工经历开始"))
    spell = EmploymentSpell(person=person, region_code=person.region_code, **values)
    _save(user, spell, reason)
    return spell, closing


def _change_spell(user, spell: EmploymentSpell, data: dict, reason: str) -> list[str]:
    values = clean_spell(data, spell)
    start, end = values.get("start_month", spell.start_month), values.get("end_month", spell.end_month)
    if (start, end) != (spell.start_month, spell.end_month):
        closing, refusal = spell_conflict(spell.person, start, end, spell)
        if refusal is not None:
            raise refusal
        if closing is not None:
            _change_spell(user, closing, {"end_month": start}, _("新的务工经历开始"))
    changed = [k for k, v in values.items() if getattr(spell, k) != v]
    if changed:
        _ensure_baseline(spell)
        for key, value in values.items():
            setattr(spell, key, value)
        spell.version += 1
        _save(user, spell, reason)
    return changed


def _follow_spells(user, person: Person, then: dict | None = None) -> None:
    """The person's status and workplace from their open spell; without one, the unemployed status
    given in `then` ({"employment_status", "not_seeking_reason"}), else 未就业有就业意愿 for someone
    whose status said employed."""
    current = _open_spell(person)
    if current is not None:
        data = {"employment_status": current.status, "employer_name": current.employer_name}
    elif then or person.is_employed:
        data = {"employment_status": c.EmploymentStatus.SEEKING, "not_seeking_reason": "", **(then or {}),
                "employer_name": ""}
        if data["employment_status"] not in c.UNEMPLOYED_STATUSES:
            raise ValidationError({"employment_status": [_("结束后的状态应为未就业有就业意愿或暂无就业意愿")]})
    else:
        return
    values = clean_person(data, person)
    if _changed_fields(person, values):
        _apply_person(user, person, values, _("随务工经历更新就业状态"))


def _spell_write(user, person: Person, write, *, then: dict | None = None):
    """Run a spell write on the locked person, then let the person follow their spells."""
    check(user, Perm.EDIT_LEDGER, person.region_code)
    current = writes.lock(Person, person.pk)
    check_reaches(user, current, Perm.EDIT_LEDGER)
    result = write(current)
    _follow_spells(user, current, then)
    _refresh_from(person, current)
    return result


def _spell_detail(spell: EmploymentSpell, **more) -> dict:
    return {"person": spell.person_id, "months": spell.months_label, **more}


@transaction.atomic
def do_record_spell(user, person: Person, data: dict, *, key: str | None = None, request=None) -> EmploymentSpell:
    """Record a job spell. A new open spell that starts in or after the open one's start month
    closes it in that month (a change of job); one that starts before it is refused."""
    def create() -> EmploymentSpell:
        def write(current):
            spell, closed = _record_spell(user, current, {"source": c.SpellSource.MANUAL, **data}, _("新增"))
            if closed is not None:
                log.record(user, Action.UPDATE, closed, request=request,
                           detail=_spell_detail(closed, fields=["end_month"]))
            log.record(user, Action.CREATE, spell, request=request, detail=_spell_detail(spell))
            return spell

        return _spell_write(user, person, write)

    return writes.once(user, key, create)[0]


def _locked_spell(spell: EmploymentSpell, version: int | None) -> EmploymentSpell:
    current = writes.lock(EmploymentSpell, spell.pk)
    writes.check_version(current, version, changes_since)
    return current


def _refresh_spell(spell: EmploymentSpell, current: EmploymentSpell) -> None:
    for field in EmploymentSpell._meta.concrete_fields:
        setattr(spell, field.attname, getattr(current, field.attname))


@transaction.atomic
def do_update_spell(user, spell: EmploymentSpell, data: dict, *, version: int | None = None,
                    request=None) -> list[str]:
    """Change the fields given; returns the names of those that changed."""
    def write(person):
        current = _locked_spell(spell, version)
        current.person = person
        changed = _change_spell(user, current, data, _("修改"))
        if changed:
            log.record(user, Action.UPDATE, current, request=request, detail=_spell_detail(current, fields=changed))
        _refresh_spell(spell, current)
        return changed

    return _spell_write(user, spell.person, write)


@transaction.atomic
def do_end_spell(user, spell: EmploymentSpell, end_month, *, then: dict | None = None,
                 version: int | None = None, request=None) -> EmploymentSpell:
    """End an open spell in `end_month` (the last month worked). The person is then without work:
    `then` gives their status ({"employment_status": "not_seeking", "not_seeking_reason": ...});
    without it they are taken as seeking work."""
    def write(person):
        current = _locked_spell(spell, version)
        current.person = person
        if current.end_month is not None:
            raise ValidationError({"end_month": [_("该务工经历已于 %(month)s 结束") % {
                "month": current.months_label}]})
        if not end_month:
            raise ValidationError({"end_month": [_("请填写结束年月")]})
        _change_spell(user, current, {"end_month": end_month}, _("结束"))
        log.record(user, Action.UPDATE, current, request=request, detail=_spell_detail(current, fields=["end_month"]))
        _refresh_spell(spell, current)
        return current

    return _spell_write(user, spell.person, write, then=then)


@transaction.atomic
def do_delete_spell(user, spell: EmploymentSpell, *, version: int | None = None, request=None) -> None:
    """Delete a spell recorded by mistake (its history stays)."""
    def write(person):
        current = _locked_spell(spell, version)
        _ensure_baseline(current)
        log.record(user, Action.DELETE, current, request=request, detail=_spell_detail(current))
        current._history_user = user
        current._change_reason = _("删除")
        current.delete()

    _spell_write(user, spell.person, write)
