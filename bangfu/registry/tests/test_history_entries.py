"""History as an auditor reads it: the creation always shown, skills in every row, one entry per save."""

import datetime

import pytest
from django.urls import reverse

from bangfu.accounts.models import ApiToken
from bangfu.conftest import make_person
from bangfu.registry import actions
from bangfu.registry.history import history_entries
from bangfu.registry.models import Household, Person
from bangfu.registry.services import update_people


def bulk_made(person: Person) -> Person:
    """The person as the generator or an importer leaves them: no history row yet."""
    Person.history.filter(id=person.pk).delete()
    return Person.objects.get(pk=person.pk)


def shown(entry) -> list[tuple[str, str, str]]:
    return [(change.label, change.old, change.new) for change in entry.changes]


@pytest.fixture
def cook(world) -> Person:
    """A person who cooks, the skill added by an edit after creation."""
    person = make_person(world.alice, name="厨子", seq=21)
    actions.do_update_person(world.alice, person, {}, skills=["厨师"])
    return Person.objects.get(pk=person.pk)


def test_a_record_never_edited_shows_its_creation_as_its_first_edit_will(world, cook):
    person = bulk_made(cook)
    [before] = history_entries(person)
    assert (before.at, before.user, before.kind, before.reason, before.changes, before.created) == (
        person.created_at, "系统", "新增", "初始登记", [], True)
    actions.do_update_person(world.alice, person, {"notes": "会做侗家菜"})
    edit, baseline = history_entries(person)
    assert (baseline.at, baseline.user, baseline.kind, baseline.reason, baseline.changes, baseline.created) == (
        before.at, before.user, before.kind, before.reason, before.changes, before.created)
    assert shown(edit) == [("备注", "—", "会做侗家菜")]  # no "技能 — → 厨师": the baseline holds the skills


def test_the_history_page_and_api_show_the_creation_of_a_record_never_edited(client, world, cook):
    person = bulk_made(cook)
    [household] = Household.objects.bulk_create([Household(number="5226331010010009", region_code="522633101001")])
    client.force_login(world.alice)
    for url in (reverse("person_history", args=[person.pk]), reverse("household_history", args=[household.pk])):
        body = client.get(url).content.decode()
        assert "初始登记" in body and "记录建立" in body and "暂无修改记录" not in body
    token = ApiToken.issue(world.alice, "tests")[1]
    [entry] = client.get(f"/api/people/{person.pk}/history", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (entry["reason"], entry["kind"], entry["changes"]) == ("初始登记", "新增", [])


def test_a_skills_change_is_one_entry_with_before_and_after(world, cook):
    rows = cook.history.count()
    actions.do_update_person(world.alice, cook, {"wish_jobs": "县城饭店"}, skills=["电工", "厨师"])
    assert cook.history.count() == rows + 1
    latest = history_entries(cook)[0]
    assert sorted(shown(latest)) == [("意向岗位", "—", "县城饭店"), ("技能", "厨师", "厨师、电工")]
    actions.do_update_person(world.alice, cook, {}, skills=[])
    assert cook.history.count() == rows + 2
    assert shown(history_entries(cook)[0]) == [("技能", "厨师、电工", "—")]
    assert all(entry.changes or entry.created for entry in history_entries(cook))


def test_a_person_created_with_skills_has_one_creation_row_holding_them(world):
    person = actions.do_create_person(world.alice, {
        "name": "新厨", "id_number": "52263319910203002X", "region_code": "522633101001", "relationship": "head",
        "labour_ability": "full", "poverty_status": "none", "employment_status": "seeking"}, skills=["厨师"])
    [created] = history_entries(person)
    assert created.created and created.kind == "新增"
    actions.do_update_person(world.alice, person, {"notes": "改备注"})
    assert shown(history_entries(person)[0]) == [("备注", "—", "改备注")]


def test_a_survey_changing_skills_is_one_entry_and_records_the_old_skills(world, cook):
    rows = cook.history.count()
    survey = actions.do_record_survey(world.sam, cook, visited_on=datetime.date(2026, 11, 1), findings="学了电工",
                                      data={}, skills=["厨师", "电工"])
    assert cook.history.count() == rows + 1
    assert shown(history_entries(cook)[0]) == [("技能", "厨师", "厨师、电工")]
    assert survey.changes["skills"] == ["厨师", "厨师、电工"]


def test_bulk_changes_keep_the_skills_in_their_rows(world, cook):
    person = bulk_made(cook)
    update_people(Person.objects.filter(pk=person.pk), "测试批量", world.alice, relocated=False)
    actions.do_update_person(world.alice, person, {"notes": "批量之后"})
    assert [shown(entry) for entry in history_entries(person)] == [[("备注", "—", "批量之后")], [], []]
