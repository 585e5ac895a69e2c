"""The ledger's rules hold whoever writes: households, surveys and follow-ups are refused alike by
the action, the page and the API, and the database itself refuses what breaks an invariant."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from bangfu.conftest import PASSWORD
from bangfu.registry import actions
from bangfu.registry.models import FollowUp, Household, Person, Survey
from bangfu.registry.tests.test_api import Api

TODAY = datetime.date.today()  # noqa: DTZ011


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- households -----------------------------------------------------------------------------------

def test_a_monitored_household_needs_its_category(world):
    errors = errors_of(lambda: actions.do_create_household(
        world.alice, {"region_code": "522633101001", "poverty_status": "monitored"}))
    assert errors == {"monitoring_category": ["监测对象须选择监测类型"]}
    assert not Household.objects.exists()


def test_a_relocated_household_needs_its_site(world):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    errors = errors_of(lambda: actions.do_update_household(world.alice, household, {"relocated": True}))
    assert errors == {"relocation_site": ["搬迁户须填写安置点"]}
    household.refresh_from_db()
    assert (household.relocated, household.version) == (False, 1)


def test_a_household_lives_in_a_registered_village(world):
    for code, message in (("522633101", "所在村应为 12 位村级区划代码"),
                          ("522633101099", "区划代码 522633101099 不存在"),
                          ("522633101000", "所在村应为 12 位村级区划代码")):
        assert errors_of(lambda c=code: actions.do_create_household(world.alice, {"region_code": c})) == {
            "region_code": [message]}


def test_the_api_and_the_page_give_the_household_rule_the_same_message(world, client):
    api = Api(client, world.alice).post("/api/households", {"region_code": "522633101001", "relocated": True})
    assert api.status_code == 422
    assert api.json()["detail"] == [{"field": "relocation_site", "message": "搬迁户须填写安置点"}]
    client.login(username="alice", password=PASSWORD)
    page = client.post(reverse("household_create"), {"region_code": "522633101001", "poverty_status": "none",
                                                     "relocated": "on"})
    assert page.status_code == 200
    assert "搬迁户须填写安置点" in page.content.decode()
    assert not Household.objects.exists()


def test_leaving_monitoring_clears_the_category(world):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001",
                                                           "poverty_status": "monitored",
                                                           "monitoring_category": "marginal"})
    actions.do_update_household(world.alice, household, {"poverty_status": "tuopin"})
    household.refresh_from_db()
    assert (household.poverty_status, household.monitoring_category) == ("tuopin", "")


# --- follow-ups and surveys --------------------------------------------------------------------

@pytest.fixture
def household(world):
    return actions.do_create_household(world.alice, {"region_code": "522633101001"})


@pytest.mark.parametrize(("done_on", "message"), [
    (datetime.date(2999, 1, 1), "跟进日期不能晚于今天"),
    (datetime.date(1, 1, 1), "跟进日期不能早于 2000-01-01"),
    (None, "请填写跟进日期"),
])
def test_a_follow_up_date_is_between_2000_and_today(world, household, done_on, message):
    errors = errors_of(lambda: actions.do_record_follow_up(world.alice, household, done_on=done_on,
                                                           action="contact", note="上门"))
    assert errors == {"done_on": [message]}
    assert not FollowUp.objects.exists()


def test_a_follow_up_takes_only_the_listed_actions(world, household):
    errors = errors_of(lambda: actions.do_record_follow_up(world.alice, household, done_on=TODAY,
                                                           action="nonsense", note="x"))
    assert errors == {"action": ["“nonsense”不是可选的跟进措施"]}


def test_a_follow_up_note_has_no_control_characters(world, household):
    errors = errors_of(lambda: actions.do_record_follow_up(world.alice, household, done_on=TODAY,
                                                           action="contact", note="a\x00b"))
    assert errors == {"note": ["含有不可见的控制字符"]}


def test_a_follow_up_on_the_earliest_and_latest_day_is_kept(world, household):
    for day in (datetime.date(2000, 1, 1), TODAY):
        actions.do_record_follow_up(world.alice, household, done_on=day, action="contact", note="上门")
    assert FollowUp.objects.count() == 2


@pytest.mark.parametrize(("visited_on", "findings", "errors"), [
    (datetime.date(2999, 1, 1), "在家", {"visited_on": ["走访日期不能晚于今天"]}),
    (datetime.date(1999, 12, 31), "在家", {"visited_on": ["走访日期不能早于 2000-01-01"]}),
    (TODAY, "  ", {"findings": ["请填写走访情况"]}),
    (TODAY, "x" * 5001, {"findings": ["不能超过 5000 个字"]}),
])
def test_a_survey_is_refused_with_the_field_at_fault(world, visited_on, findings, errors):
    assert errors_of(lambda: actions.do_record_survey(world.sam, world.person, visited_on=visited_on,
                                                      findings=findings, data={})) == errors
    assert not Survey.objects.exists()


# --- what the database itself refuses -----------------------------------------------------------

@pytest.mark.parametrize("values", [
    {"poverty_status": "monitored", "monitoring_category": ""},
    {"relocated": True, "relocation_site": ""},
    {"employment_status": "not_seeking", "not_seeking_reason": ""},
    {"disability_category": 4, "disability_grade": None},
    {"employment_status": "nonsense"},
    {"wish_pay": 2_000_000},
])
def test_the_database_refuses_a_person_that_breaks_an_invariant(world, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=world.person.pk).update(**values)


def test_the_database_refuses_an_impossible_follow_up(world, household):
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(household=household, region_code=household.region_code, officer=world.alice,
                                done_on=datetime.date(1990, 1, 1), action="contact")
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(household=household, region_code=household.region_code, officer=world.alice,
                                done_on=TODAY, action="nonsense")


# --- people: the rules a review broke on purpose and the suite did not notice --------------------

@pytest.mark.parametrize(("data", "errors"), [
    ({"poverty_status": "monitored"}, {"monitoring_category": ["监测对象须选择监测类型"]}),
    ({"relocated": True}, {"relocation_site": ["搬迁户须填写安置点"]}),
    ({"employment_status": "not_seeking"}, {"not_seeking_reason": ["暂无就业意愿须说明原因"]}),
    ({"disability_category": 4}, {"disability_grade": ["残疾类别与残疾等级须同时填写"]}),
])
def test_a_person_rule_is_refused_by_the_action(world, data, errors):
    assert errors_of(lambda: actions.do_update_person(world.alice, world.person, data)) == errors
    assert fresh_person(world).version == 1


def test_the_rules_pass_when_the_companion_field_is_given(world):
    actions.do_update_person(world.alice, world.person, {
        "poverty_status": "monitored", "monitoring_category": "marginal", "relocated": True,
        "relocation_site": "城南安置点", "employment_status": "not_seeking", "not_seeking_reason": "studying"})
    person = fresh_person(world)
    assert (person.monitoring_category, person.relocation_site, person.not_seeking_reason) == (
        "marginal", "城南安置点", "studying")
    actions.do_update_person(world.alice, person, {"poverty_status": "tuopin", "employment_status": "seeking"})
    person = fresh_person(world)
    assert (person.monitoring_category, person.not_seeking_reason) == ("", "")


def test_a_record_without_history_gets_its_baseline_before_the_first_change(world):
    Person.history.filter(id=world.person.pk).delete()  # as generated or imported people are
    actions.do_update_person(world.alice, world.person, {"wish_jobs": "保安"})
    rows = list(Person.history.filter(id=world.person.pk).order_by("history_id"))
    assert [(r.history_change_reason, r.wish_jobs) for r in rows] == [("初始登记", ""), ("修改", "保安")]
    assert rows[0].history_date == world.person.created_at


def fresh_person(world) -> Person:
    return Person.objects.get(pk=world.person.pk)
