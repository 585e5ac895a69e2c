"""Every write to the ledger: pages, API, CLI, imports and tests call these, so that the rules,
the gate, history (with its actor) and the audit log are never skipped.

Editable records carry a version: pass the version the editor saw as `version=` and an edit made
on an older one is refused (core.writes.StaleEdit). Creations take a submission `key=`: the same
key again returns the record already made.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import history, sensitive, writes
from bangfu.core.history import changes_since, record_baselines
from bangfu.core.permissions import check, check_reaches, reaches
from bangfu.registry import figures
from bangfu.registry.choices import FollowUpAction
from bangfu.registry.history import DERIVED
from bangfu.registry.models import FollowUp, Household, Person, Skill, Survey
from bangfu.registry.permissions import Perm
from bangfu.registry.services import refresh_household, update_people
from bangfu.registry.validation import (
    DuplicatePerson,
    clean_follow_up,
    clean_household,
    clean_person,
    clean_survey,
    guard_id_probe,
)

# Person fields a survey may update (the household and identity stay with officers).
SURVEY_FIELDS = [
    "phone", "education", "labour_ability", "poverty_status", "monitoring_category", "relocated",
    "relocation_site", "disability_category", "disability_grade", "disability_card",
    "employment_status", "employer_name", "not_seeking_reason", "wish_jobs", "wish_travel",
    "wish_pay", "wish_hours", "training_wishes",
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
        values = _clean(user, data)
        check(user, Perm.EDIT_LEDGER, values["region_code"])
        person = Person(**values)
        _save(user, person, _("新增"), skills)
        figures.mark_stale([person.region_code])
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
    values = _clean(user, data, current)
    check(user, perm, values["region_code"])  # clean_person always gives the (possibly new) village
    changed = _changed_fields(current, values)
    skills_changed = _skills_differ(current, skills)
    if not changed and not skills_changed:
        return []
    _apply_person(user, current, values, reason or _("修改"), skills if skills_changed else None)
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
    values = _clean(user, fields, person)
    changed = _changed_fields(person, values)
    skills_changed = _skills_differ(person, skills)
    values["surveyed_on"] = visited_on
    _apply_person(user, person, values, _("走访 %(date)s") % {"date": visited_on.isoformat()},
                  skills if skills_changed else None)
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
