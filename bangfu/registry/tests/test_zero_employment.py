"""零就业家庭 by the MOHRSS definition, the relocation figure 一户一人以上就业 beside it, and what a
follow-up must say (docs/guide.md §10)."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bangfu.conftest import make_person
from bangfu.registry import actions, services, stats
from bangfu.registry.models import FollowUp, Household

VILLAGE = "522633101001"
TODAY = timezone.localdate()
ADULT = datetime.date(1985, 3, 9)
OLD = TODAY.replace(year=TODAY.year - 62, day=1)  # past working age
_seq = iter(range(101, 999, 2))


def household_of(world, *members, relocated=False) -> Household:
    """A household of members given as (birth date, employment status, not-seeking reason)."""
    household = actions.do_create_household(
        world.alice, {"region_code": VILLAGE, "relocated": relocated, "relocation_site": "安置点" if relocated else ""})
    for number, (birth, status, reason) in enumerate(members):
        make_person(world.alice, name=f"成员{number}", seq=next(_seq), birth=birth, household=household,
                    relationship="head" if number == 0 else "child", employment_status=status,
                    not_seeking_reason=reason, employer_name="车间" if status == "in_county" else "")
    household.refresh_from_db()
    return household


STUDENT = (ADULT, "not_seeking", "studying")
CARER = (ADULT, "not_seeking", "caring")
SEEKING = (ADULT, "seeking", "")
WORKING = (ADULT, "in_county", "")


@pytest.mark.parametrize(("members", "zero"), [
    pytest.param([STUDENT], False, id="a student only"),
    pytest.param([CARER], False, id="a carer not seeking only"),
    pytest.param([STUDENT, CARER], False, id="a student and a carer"),
    pytest.param([SEEKING], True, id="a seeking unemployed member"),
    pytest.param([STUDENT, SEEKING], True, id="a student and a seeker"),
    pytest.param([SEEKING, WORKING], False, id="an employed member clears it"),
    pytest.param([SEEKING, (OLD, "flexible", "")], True, id="work past working age does not clear it"),
    pytest.param([(OLD, "seeking", "")], False, id="no working-age member"),
])
def test_the_flag_follows_the_mohrss_definition(world, members, zero):
    household = household_of(world, *members)
    assert household.zero_employment is zero
    as_pairs = [(services.is_labour(birth, "full"), status) for birth, status, _reason in members]
    assert services.is_zero_employment(as_pairs) is zero  # the generator's form agrees


def test_finding_work_and_losing_it_moves_the_household_in_and_out(world):
    household = household_of(world, SEEKING)
    person = household.members.get()
    actions.do_update_person(world.alice, person, {"employment_status": "in_county", "employer_name": "车间"})
    household.refresh_from_db()
    assert not household.zero_employment
    actions.do_update_person(world.alice, person, {"employment_status": "not_seeking",
                                                   "not_seeking_reason": "caring"})
    household.refresh_from_db()
    assert not household.zero_employment
    actions.do_update_person(world.alice, person, {"employment_status": "seeking"})
    household.refresh_from_db()
    assert household.zero_employment


def test_the_relocation_figure_counts_relocated_households_with_labour_and_a_worker(world):
    household_of(world, SEEKING, WORKING, relocated=True)         # counted
    household_of(world, STUDENT, (OLD, "flexible", ""), relocated=True)  # labour, an old member works: counted
    household_of(world, SEEKING, relocated=True)                  # labour, nobody works
    household_of(world, (OLD, "flexible", ""), relocated=True)    # works, but no labour
    household_of(world, WORKING)                                   # not relocated
    counts = stats.household_counts(Household.objects.all())
    assert counts["relocated_households"] == 4
    assert counts["relocated_with_labour"] == 3
    assert counts["relocated_employed"] == 2
    assert counts["zero_employment"] == 1


def test_the_migration_recomputes_the_flag_of_existing_rows(world):
    student, seeker = household_of(world, STUDENT), household_of(world, SEEKING)
    Household.objects.filter(pk=student.pk).update(zero_employment=True)  # the old definition's flag
    Household.objects.filter(pk=seeker.pk).update(zero_employment=False)
    migration = importlib.import_module("bangfu.registry.migrations.0005_zero_employment_definition")
    migration.recompute(django_apps, None)
    assert list(Household.objects.filter(zero_employment=True)) == [seeker]


def _follow(world, household, action, note="上门了解情况"):
    return actions.do_record_follow_up(world.alice, household, done_on=TODAY, action=action, note=note)


def test_a_follow_up_needs_a_note(world):
    household = household_of(world, SEEKING)
    with pytest.raises(ValidationError) as refused:
        _follow(world, household, "contact", note="  ")
    assert refused.value.message_dict == {"note": ["请填写说明（做了什么、结果如何）"]}
    assert not FollowUp.objects.exists()


def test_resolved_is_refused_while_the_household_is_zero_employment(world):
    household = household_of(world, SEEKING)
    with pytest.raises(ValidationError) as refused:
        _follow(world, household, "resolved", note="已联系")
    assert "仍是零就业家庭" in refused.value.message_dict["action"][0]
    assert not FollowUp.objects.exists()
    actions.do_update_person(world.alice, household.members.get(), {"employment_status": "in_county",
                                                                    "employer_name": "车间"})
    household.refresh_from_db()
    assert _follow(world, household, "resolved", note="已在丙妹镇车间就业").action == "resolved"


def test_a_resolved_household_that_is_zero_employment_again_is_back_in_the_queue_marked(client, world):
    household = household_of(world, SEEKING)
    person = household.members.get()
    actions.do_update_person(world.alice, person, {"employment_status": "in_county", "employer_name": "车间"})
    household.refresh_from_db()
    _follow(world, household, "resolved", note="已就业")
    client.force_login(world.alice)
    assert household.number not in client.get(reverse("zero_employment")).content.decode()
    actions.do_update_person(world.alice, person, {"employment_status": "seeking"})
    body = client.get(reverse("zero_employment")).content.decode()
    assert household.number in body and "解决后又成为零就业" in body


def test_the_household_page_refuses_resolved_with_the_reason(client, world):
    household = household_of(world, SEEKING)
    client.force_login(world.alice)
    response = client.post(reverse("household_detail", args=[household.pk]),
                           {"done_on": TODAY.isoformat(), "action": "resolved", "note": "已联系"})
    assert response.status_code == 200
    assert "仍是零就业家庭" in response.content.decode()
    assert not FollowUp.objects.exists()
