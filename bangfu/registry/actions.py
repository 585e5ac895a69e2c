"""Every write to the ledger: views, API, CLI and tests call these, so history and audit are kept."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import sensitive
from bangfu.core.permissions import check, covers
from bangfu.registry.models import FollowUp, Household, Person, Skill, Survey
from bangfu.registry.permissions import Perm
from bangfu.registry.services import refresh_household
from bangfu.registry.validation import DuplicatePerson, clean_person

# Person fields a survey may update (the household and identity stay with officers).
SURVEY_FIELDS = [
    "phone", "education", "labour_ability", "poverty_status", "monitoring_category", "relocated",
    "relocation_site", "disability_category", "disability_grade", "disability_card",
    "employment_status", "employer_name", "not_seeking_reason", "wish_jobs", "wish_travel",
    "wish_pay", "wish_hours", "training_wishes",
]


EARLIEST_VISIT = datetime.date(2000, 1, 1)


def set_skills(person: Person, names: list[str]) -> None:
    """Link skills by name; a name outside the vocabulary is added as a non-standard skill."""
    wanted = sorted({n.strip()[:40] for n in names if n and n.strip()})
    existing = {s.name: s for s in Skill.objects.filter(name__in=wanted)}
    Skill.objects.bulk_create([Skill(name=n) for n in wanted if n not in existing], ignore_conflicts=True)
    person.skills.set(Skill.objects.filter(name__in=wanted))


def _ensure_baseline(person: Person) -> None:
    """Generated and imported people have no history row yet: record their state before a change."""
    if not person.history.exists():
        Person.history.bulk_history_create(
            [person], default_change_reason=_("初始登记"), default_date=person.created_at
        )


def _clean(user, data: dict, person: Person | None = None) -> dict:
    try:
        return clean_person(data, person)
    except DuplicatePerson as exc:
        if exc.visible and not covers(user, exc.existing.region_code):
            raise DuplicatePerson(exc.existing, visible=False) from None
        raise


@transaction.atomic
def do_create_person(user, data: dict, *, skills: list[str] | None = None, request=None) -> Person:
    values = _clean(user, data)
    check(user, Perm.EDIT_LEDGER, values["region_code"])
    person = Person(**values)
    person._change_reason = _("新增")
    person.save()
    if skills is not None:
        set_skills(person, skills)
    refresh_household(person.household_id)
    log.record(user, Action.CREATE, person, request=request)
    return person


# Stored columns that only follow another one; a change shows as the field a user knows.
_DERIVED = {"name_pinyin", "name_initials", "gender", "birth_date", "is_labour"} | sensitive.hidden_columns(Person)
_SHOWN_AS = {column: declared.name for column, declared in sensitive.hash_columns(Person).items()}


def _changed_fields(person: Person, values: dict) -> list[str]:
    return [_SHOWN_AS.get(k, k) for k, v in values.items() if k not in _DERIVED and getattr(person, k) != v]


@transaction.atomic
def do_update_person(user, person: Person, data: dict, *, skills: list[str] | None = None,
                     reason: str = "", perm: str = Perm.EDIT_LEDGER, request=None) -> list[str]:
    """Apply the changed fields; returns the names of the fields that changed."""
    check(user, perm, person.region_code)
    values = _clean(user, data, person)
    check(user, perm, values.get("region_code", person.region_code))
    old_household = person.household_id
    changed = _changed_fields(person, values)
    skills_changed = skills is not None and sorted(skills) != sorted(person.skills.values_list("name", flat=True))
    if not changed and not skills_changed:
        return []
    _ensure_baseline(person)
    for key, value in values.items():
        setattr(person, key, value)
    person._change_reason = reason or _("修改")
    person.save()
    if skills_changed:
        set_skills(person, skills)
    for household_id in {old_household, person.household_id}:
        refresh_household(household_id)
    log.record(user, Action.UPDATE, person, request=request,
               detail={"fields": changed + (["skills"] if skills_changed else []), "reason": reason})
    return changed + (["skills"] if skills_changed else [])


@transaction.atomic
def do_record_survey(user, person: Person, *, visited_on: datetime.date, findings: str, data: dict,
                     skills: list[str] | None = None, request=None) -> Survey:
    """Save a door-to-door survey and apply what it found to the person's record."""
    check(user, Perm.RECORD_SURVEY, person.region_code)
    problems = {}
    if not findings.strip():
        problems["findings"] = [_("请填写走访情况")]
    if visited_on > timezone.localdate():
        problems["visited_on"] = [_("走访日期不能晚于今天")]
    elif visited_on < EARLIEST_VISIT:
        problems["visited_on"] = [_("走访日期不合理")]
    if problems:
        raise ValidationError(problems)
    fields = {k: v for k, v in data.items() if k in SURVEY_FIELDS}
    before = {k: _plain(person, k) for k in fields}
    survey = Survey(person=person, region_code=person.region_code, visited_on=visited_on,
                    surveyor=user, findings=findings.strip())
    survey.save()
    changed = do_update_person(user, person, fields, skills=skills, perm=Perm.RECORD_SURVEY,
                               reason=_("走访 %(date)s") % {"date": visited_on.isoformat()}, request=request)
    survey.changes = {k: [_text(before.get(k)), _text(_plain(person, k))] for k in changed if k in before}
    if "skills" in changed:
        survey.changes["skills"] = ["", "、".join(skills or [])]
    survey.save(update_fields=["changes"])
    log.record(user, Action.SURVEY, survey, request=request, detail={"person": person.pk, "fields": changed})
    return survey


def _text(value) -> str:
    return "" if value is None else str(value)


def _plain(person: Person, field: str):
    if field in IDENTIFIER_FIELDS:
        return getattr(person, f"{field}_masked")
    return getattr(person, field, "")


IDENTIFIER_FIELDS = tuple(sensitive.identifiers_of(Person))


def do_reveal_identifier(user, person: Person, field: str, *, request=None) -> str:
    """The full identifier, for a role that may see it; each reveal is written to the audit log."""
    check(user, Perm.REVEAL_IDENTIFIER, person.region_code)
    return sensitive.reveal(user, person, field, request=request)


@transaction.atomic
def do_save_household(user, household: Household, *, request=None) -> Household:
    """Create or update a household from an already validated instance (HouseholdForm)."""
    check(user, Perm.EDIT_LEDGER, household.region_code)
    creating = household.pk is None
    if creating:
        household.number = household.number or _next_household_number(household.region_code)
    elif Household.objects.filter(pk=household.pk).exclude(region_code=household.region_code).exists():
        old = Household.objects.get(pk=household.pk)
        check(user, Perm.EDIT_LEDGER, old.region_code)
        Person.objects.filter(household=household).update(region_code=household.region_code)
    household._change_reason = _("新增") if creating else _("修改")
    household.save()
    log.record(user, Action.CREATE if creating else Action.UPDATE, household, request=request)
    return household


def _next_household_number(region_code: str) -> str:
    last = (Household.objects.filter(number__startswith=region_code).order_by("-number")
            .values_list("number", flat=True).first())
    sequence = int(last[12:]) + 1 if last and last[12:].isdigit() else 1
    return f"{region_code}{sequence:04d}"


@transaction.atomic
def do_record_follow_up(user, household: Household, *, done_on: datetime.date, action: str, note: str,
                        request=None) -> FollowUp:
    check(user, Perm.FOLLOW_UP, household.region_code)
    follow_up = FollowUp.objects.create(household=household, region_code=household.region_code,
                                        done_on=done_on, action=action, note=note.strip(), officer=user)
    log.record(user, Action.FOLLOW_UP, follow_up, request=request, detail={"household": household.pk})
    return follow_up

