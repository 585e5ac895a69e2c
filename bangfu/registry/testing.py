"""Test support: one record of each scoped ledger model, for the generated scope-matrix test.

`FACTORIES[Model](creator, village, tag)` makes one record in the village (a 12-digit code) through
the real actions, with `tag` (a short text unique in the test) where the model's `Surfaces.shown_as`
finds it on a page, in an export or in the API. The records concern disabled people, so that every
role reaching the village sees them; `NARROWED_OUT[Model]` makes one that a narrowed role
(registry.permissions.narrow_roles: the disabled persons' federation) must not see.
"""

import datetime
import functools
import itertools

from django.utils import timezone

from bangfu.registry import actions
from bangfu.registry.identifiers import build_resident_id
from bangfu.registry.models import EmploymentSpell, FollowUp, Household, Person, Survey

_sequence = itertools.count(500)


def make_person(creator, village: str, tag: str, **fields) -> Person:
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=next(_sequence) * 37 % 7000)
    data = {
        "name": tag, "id_number": build_resident_id(village[:6], birth, 100 + next(_sequence) % 899),
        "region_code": village, "relationship": "head", "labour_ability": "full", "poverty_status": "tuopin",
        "employment_status": "seeking", **fields,
    }
    return actions.do_create_person(creator, data)


DISABLED = {"disability_category": 4, "disability_grade": 2}


def make_disabled_person(creator, village: str, tag: str, **fields) -> Person:
    return make_person(creator, village, tag, **DISABLED, **fields)


def make_household(creator, village: str, tag: str = "", *, disabled: bool = False) -> Household:
    """A household with its head (named without the tag: the tag stays the household's own)."""
    household = actions.do_create_household(creator, {"region_code": village, "address": tag})
    make_person(creator, village, "户主", household=household, **(DISABLED if disabled else {}))
    household.refresh_from_db()
    return household


def make_survey(creator, village: str, tag: str, *, disabled: bool = False) -> Survey:
    person = make_person(creator, village, "受访人", **(DISABLED if disabled else {}))
    return actions.do_record_survey(creator, person, visited_on=timezone.localdate(), findings=tag, data={})


def make_follow_up(creator, village: str, tag: str, *, disabled: bool = False) -> FollowUp:
    household = make_household(creator, village, disabled=disabled)
    return actions.do_record_follow_up(creator, household, done_on=timezone.localdate(), action="contact",
                                       note=tag)


def make_spell(creator, village: str, tag: str, *, disabled: bool = False) -> EmploymentSpell:
    person = make_person(creator, village, "务工人员", **(DISABLED if disabled else {}))
    return actions.do_record_spell(creator, person, {
        "start_month": timezone.localdate().replace(day=1), "place": "out_province", "employer_name": tag})


FACTORIES = {
    Person: make_disabled_person,
    Household: functools.partial(make_household, disabled=True),
    Survey: functools.partial(make_survey, disabled=True),
    FollowUp: functools.partial(make_follow_up, disabled=True),
    EmploymentSpell: functools.partial(make_spell, disabled=True),
}
NARROWED_OUT = {Person: make_person, Household: make_household, Survey: make_survey, FollowUp: make_follow_up,
                EmploymentSpell: make_spell}
