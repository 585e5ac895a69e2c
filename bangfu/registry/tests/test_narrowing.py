"""Data minimisation: a disabled persons' federation officer (dora) sees, of her county, only the
disabled people, their households (with only their disabled members) and what hangs on these —
on every surface, because the gate narrows her queries (registry.permissions.narrow_roles)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from bangfu.accounts.models import ApiToken
from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import make_person, valid_id
from bangfu.core.permissions import Forbidden
from bangfu.registry import actions
from bangfu.registry.validation import DuplicatePerson

VILLAGE = "522633101001"


@pytest.fixture
def ledger(world):
    """Household 甲: 赵六 (disabled head) and 钱七 (his wife, not disabled); household 乙: 孙八
    alone, not disabled. Everyone seeks work, so both households are zero-employment."""
    first = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    second = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    world.disabled = make_person(world.alice, name="赵六", seq=41, household=first,
                                 disability_card=valid_id(seq=41) + "42")
    world.spouse = make_person(world.alice, name="钱七", seq=42, household=first, relationship="spouse")
    world.lone = make_person(world.alice, name="孙八", seq=43, household=second)
    first.refresh_from_db()
    second.refresh_from_db()
    world.first, world.second = first, second
    return world


@pytest.fixture
def dora(client, ledger):
    client.force_login(ledger.dora)
    return client


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'tests')[1]}")


def test_the_people_list_and_its_search_hold_only_disabled_people(dora, ledger):
    body = dora.get(reverse("person_list")).content.decode()
    assert "赵六" in body
    assert not any(name in body for name in ("张三丰", "钱七", "孙八", "李四"))
    assert "张三丰" not in dora.get(reverse("person_list"), {"q": "zsf"}).content.decode()
    assert "钱七" not in dora.get(reverse("person_list"), {"q": valid_id(seq=42)}).content.decode()


@pytest.mark.parametrize("name", ["person_detail", "person_edit", "person_history", "survey_create"])
def test_a_non_disabled_person_of_her_county_is_404(dora, ledger, name):
    assert dora.get(reverse(name, args=[ledger.spouse.pk])).status_code == 404
    assert dora.get(reverse(name, args=[ledger.disabled.pk])).status_code == 200


def test_the_api_answers_404_for_a_non_disabled_person_and_lists_only_disabled_ones(ledger):
    api = _api(ledger.dora)
    assert api.get(reverse("api:person", args=[ledger.spouse.pk])).status_code == 404
    assert api.get(reverse("api:person", args=[ledger.disabled.pk])).status_code == 200
    ids = [item["id"] for item in api.get(reverse("api:person_list")).json()["items"]]
    assert ids == [ledger.disabled.pk]
    members = api.get(reverse("api:household", args=[ledger.first.pk])).json()["members"]
    assert [m["id"] for m in members] == [ledger.disabled.pk]


def test_households_are_those_with_a_disabled_member_showing_only_that_member(dora, ledger):
    body = dora.get(reverse("household_list")).content.decode()
    assert ledger.first.number in body and ledger.second.number not in body
    assert dora.get(reverse("household_detail", args=[ledger.second.pk])).status_code == 404
    body = dora.get(reverse("household_detail", args=[ledger.first.pk])).content.decode()
    assert "赵六" in body and "钱七" not in body
    assert "本户共 2 人，您的角色只能查看其中 1 人" in body


def test_the_zero_employment_queue_and_its_export_hold_only_her_households(dora, ledger):
    assert ledger.first.zero_employment and ledger.second.zero_employment
    body = dora.get(reverse("zero_employment")).content.decode()
    assert ledger.first.number in body and ledger.second.number not in body
    cells = _cells(dora.get(reverse("export", args=["zero_employment"])))
    assert ledger.first.number in cells and ledger.second.number not in cells


def _cells(response) -> list[str]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    return [str(cell) for row in sheet.to_python() for cell in row]


def test_the_people_export_holds_only_disabled_people(dora, ledger):
    cells = _cells(dora.get(reverse("export", args=["people"])))
    assert "赵六" in cells and "钱七" not in cells and "张三丰" not in cells


def test_home_and_region_figures_count_only_what_she_sees(dora, ledger):
    home = dora.get(reverse("home")).content.decode()
    alice = Client()
    alice.force_login(ledger.alice)
    assert '<span class="value">1</span><span class="label">登记人口' in home
    assert '<span class="value">5</span><span class="label">登记人口' in alice.get(reverse("home")).content.decode()
    region = _api(ledger.dora).get("/api/regions/522633000000").json()
    assert region["figures"]["people"] == 1


def test_follow_ups_and_surveys_of_others_are_out_of_her_reach(ledger):
    from bangfu.registry import selectors

    actions.do_record_follow_up(ledger.alice, ledger.second, done_on=timezone.localdate(), action="contact",
                                note="乙户跟进")
    actions.do_record_follow_up(ledger.alice, ledger.first, done_on=timezone.localdate(), action="contact",
                                note="甲户跟进")
    actions.do_record_survey(ledger.alice, ledger.spouse, visited_on=timezone.localdate(), findings="走访钱七",
                             data={})
    assert [f.note for f in selectors.follow_ups_for_user(ledger.dora)] == ["甲户跟进"]
    assert not selectors.surveys_for_user(ledger.dora).exists()
    assert selectors.surveys_for_user(ledger.alice).count() == 1


def test_she_registers_disabled_people_but_not_others(ledger):
    data = {"name": "周九", "id_number": valid_id(seq=45), "region_code": VILLAGE, "relationship": "head",
            "labour_ability": "full", "poverty_status": "none", "employment_status": "seeking"}
    with pytest.raises(Forbidden, match="残联工作人员只能登记和编辑残疾人"):
        actions.do_create_person(ledger.dora, data)
    person = actions.do_create_person(ledger.dora, {**data, "disability_category": 1, "disability_grade": 3})
    assert person.is_disabled
    with pytest.raises(Forbidden, match="残联工作人员只能登记和编辑残疾人"):
        actions.do_update_person(ledger.dora, person, {"disability_category": None, "disability_grade": None})
    person.refresh_from_db()
    assert person.disability_category == 1  # nothing half-done: the refused edit rolled back
    with pytest.raises(Forbidden, match="有残疾人成员的家庭户"):
        actions.do_create_household(ledger.dora, {"region_code": VILLAGE})


def test_a_duplicate_id_number_does_not_name_a_person_she_may_not_see(ledger):
    data = {"name": "冒名", "id_number": valid_id(seq=42), "region_code": VILLAGE, "relationship": "head",
            "labour_ability": "full", "poverty_status": "none", "employment_status": "seeking",
            "disability_category": 1, "disability_grade": 3}
    with pytest.raises(DuplicatePerson) as refused:
        actions.do_create_person(ledger.dora, data)
    assert not refused.value.visible and "钱七" not in str(refused.value)
    # Her own county, but a person her role may not see: neither named nor said to be elsewhere,
    # and counted as an existence probe like any other.
    assert refused.value.messages == ["该身份证号已登记在您查看范围以外的台账中"]
    assert AuditEntry.objects.filter(user=ledger.dora, action=Action.DUPLICATE_PROBE).count() == 1
    with pytest.raises(DuplicatePerson) as named:
        actions.do_create_person(ledger.alice, data)
    assert named.value.visible and "钱七" in " ".join(named.value.messages)
    assert isinstance(named.value, ValidationError)
