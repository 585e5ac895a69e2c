"""An employment's job spell in the ledger (registry.models.EmploymentSpell), so that the person's
employment status follows their employment records. The spell is written by the registry's own
spell functions (its rules: validation.clean_spell and spell_conflict; a new open spell closes the
open one, a change of job) and the status by its services.sync_status_from_spells, as the ledger's
bulk imports do; the gate is the employer side's (an operator may not edit the ledger otherwise)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bangfu.registry import actions as ledger
from bangfu.registry import choices as rc
from bangfu.registry.models import EmploymentSpell
from bangfu.registry.services import sync_status_from_spells


def place_of(person_region: str, workplace_region: str) -> str:
    """务工所在地 from the workplace against the person's village: the same county, the same
    province, else outside it."""
    if workplace_region[:6] == person_region[:6]:
        return rc.SpellPlace.IN_COUNTY
    if workplace_region[:2] == person_region[:2]:
        return rc.SpellPlace.OUT_COUNTY
    return rc.SpellPlace.OUT_PROVINCE


def spell_data(employment) -> dict:
    return {"start_month": employment.start_date.replace(day=1),
            "place": place_of(employment.person.region_code, employment.region_code),
            "channel": rc.Channel.WORKSHOP if employment.workshop_id else rc.Channel.SELF_FOUND,
            "employer_name": employment.employer.name[:200], "source": rc.SpellSource.MANUAL}


def open_spells(user, employments, reason: str) -> list[str]:
    """Give each new employment (unsaved yet) its spell (an open spell of the ledger already naming this employer
    is taken over rather than doubled) and let the people's status follow. Returns a warning per
    employment the ledger's spell rules refused (the employment stands; its status is not followed)."""
    warnings, people = [], set()
    linked = set(EmploymentSpell.objects.filter(employment__isnull=False,
                                                person_id__in=[e.person_id for e in employments])
                 .values_list("pk", flat=True))
    current = {s.person_id: s for s in EmploymentSpell.objects.filter(
        person_id__in=[e.person_id for e in employments], end_month__isnull=True)}
    for employment in employments:
        spell = current.get(employment.person_id)
        if spell is not None and spell.pk not in linked and spell.employer_name == employment.employer.name:
            employment.spell = spell
        else:
            try:
                spell, _closed = ledger._record_spell(user, employment.person, spell_data(employment), reason)
            except ValidationError as exc:
                warnings.append(_("%(who)s：台账的务工经历未更新（%(why)s）") % {
                    "who": employment.person.name, "why": "；".join(exc.messages)})
                continue
            employment.spell = spell
            current[employment.person_id] = spell
        linked.add(spell.pk)
        people.add(employment.person_id)
    if people:
        sync_status_from_spells(sorted(people), user, reason)
    return warnings


def end_spell(user, employment, end_date: datetime.date, reason: str) -> None:
    """End the employment's spell in the month it ended (the person then counts as seeking work,
    unless another open spell gives their status)."""
    spell = employment.spell
    if spell is None or spell.end_month is not None:
        return
    try:
        ledger._change_spell(user, spell, {"end_month": end_date.replace(day=1)}, reason)
    except ValidationError:
        return  # the ledger's spell was changed by hand meanwhile: it is theirs to keep
    sync_status_from_spells([employment.person_id], user, reason)
