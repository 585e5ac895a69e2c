"""Concurrent and repeated writes, and history with its actor on every write path."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from bangfu.accounts.actors import SYSTEM_USERNAME
from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import PASSWORD, make_person, valid_id
from bangfu.core.writes import StaleEdit
from bangfu.registry import actions
from bangfu.registry.history import history_entries
from bangfu.registry.models import FollowUp, Household, Person, Survey
from bangfu.registry.tests.test_api import Api

TODAY = datetime.date.today()  # noqa: DTZ011


def fresh(record):
    record.refresh_from_db()
    return record


# --- versions -------------------------------------------------------------------------------------

def test_each_edit_raises_the_version(world):
    assert world.person.version == 1
    actions.do_update_person(world.alice, world.person, {"wish_jobs": "保安"}, version=1)
    assert fresh(world.person).version == 2


def test_a_stale_edit_is_refused_with_what_changed(world):
    actions.do_update_person(world.alice, world.person, {"wish_jobs": "保安"}, version=1)
    with pytest.raises(StaleEdit) as caught:
        actions.do_update_person(world.tom, world.person, {"wish_jobs": "厨师"}, version=1)
    assert [change.label for change in caught.value.changes] == ["意向岗位"]
    assert "意向岗位" in str(caught.value)
    assert fresh(world.person).wish_jobs == "保安"


def test_the_edit_page_refuses_a_stale_form_and_says_what_changed(world, client):
    client.login(username="alice", password=PASSWORD)
    url = reverse("person_edit", args=[world.person.pk])
    form = client.get(url).content.decode()
    assert 'name="version" value="1"' in form
    actions.do_update_person(world.tom, world.person, {"employment_status": "in_county", "employer_name": "从江县茶厂"})
    response = client.post(url, {"name": "张三丰", "relationship": "head", "labour_ability": "full",
                                 "poverty_status": "tuopin", "employment_status": "seeking",
                                 "region_code": "522633101001", "version": "1"})
    assert response.status_code == 200
    assert "该记录已被他人修改" in response.content.decode()
    assert "就业单位/地点" in response.content.decode()
    assert fresh(world.person).employer_name == "从江县茶厂"


def test_the_api_gives_an_etag_and_answers_a_stale_if_match_with_412(world, client):
    api = Api(client, world.alice)
    url = f"/api/people/{world.person.pk}"
    etag = api.get(url)["ETag"]
    assert etag == '"1"'
    first = api.patch(url, {"wish_jobs": "保安"}, HTTP_IF_MATCH=etag)
    assert (first.status_code, first["ETag"]) == (200, '"2"')
    stale = api.patch(url, {"wish_jobs": "厨师"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["version"] == 2
    assert [c["field"] for c in stale.json()["changes"]] == ["wish_jobs"]
    assert api.patch(url, {"wish_jobs": "厨师"}, HTTP_IF_MATCH="banana").status_code == 412
    assert fresh(world.person).wish_jobs == "保安"


def test_a_household_edit_checks_its_version_too(world, client):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    api = Api(client, world.alice)
    etag = api.get(f"/api/households/{household.pk}")["ETag"]
    assert api.patch(f"/api/households/{household.pk}", {"address": "一组"}, HTTP_IF_MATCH=etag).status_code == 200
    assert api.patch(f"/api/households/{household.pk}", {"address": "二组"}, HTTP_IF_MATCH=etag).status_code == 412


# --- repeated submissions -----------------------------------------------------------------------

def test_the_same_submission_twice_creates_one_record(world):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001"}, key="k" * 32)
    again = actions.do_create_household(world.alice, {"region_code": "522633101001"}, key="k" * 32)
    assert again.pk == household.pk
    assert Household.objects.count() == 1
    follow = dict(done_on=TODAY, action="contact", note="上门", key="f" * 32)
    assert actions.do_record_follow_up(world.alice, household, **follow).pk == \
        actions.do_record_follow_up(world.alice, household, **follow).pk
    assert FollowUp.objects.count() == 1


def test_a_double_click_on_the_survey_form_records_one_survey(world, client):
    client.login(username="sam", password=PASSWORD)
    url = reverse("survey_create", args=[world.person.pk])
    form = client.get(url).content.decode()
    key = form.split('name="submission" value="')[1][:32]
    data = {"visited_on": TODAY.isoformat(), "findings": "在家务农", "employment_status": "seeking",
            "labour_ability": "full", "submission": key}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Survey.objects.count() == 1


def test_an_api_retry_with_the_same_idempotency_key_creates_one_person(world, client):
    api = Api(client, world.alice)
    body = {"name": "陈七", "id_number": valid_id(seq=41), "region_code": "522633101001"}
    first = api.post("/api/people", body, HTTP_IDEMPOTENCY_KEY="retry-0001")
    second = api.post("/api/people", body, HTTP_IDEMPOTENCY_KEY="retry-0001")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert api.post("/api/people", body, HTTP_IDEMPOTENCY_KEY="retry-0002").status_code == 409


def test_a_key_belongs_to_its_user(world):
    mine = actions.do_create_household(world.alice, {"region_code": "522633101001"}, key="a" * 32)
    theirs = actions.do_create_household(world.tom, {"region_code": "522633101001"}, key="a" * 32)
    assert mine.pk != theirs.pk


# --- surveys in the order they were made, not the order they were typed -------------------------

def test_an_older_survey_is_kept_but_does_not_overwrite_a_newer_one(world):
    actions.do_record_survey(world.sam, world.person, visited_on=TODAY, findings="已在县内就业",
                             data={"employment_status": "in_county", "employer_name": "茶厂"})
    late = actions.do_record_survey(world.sam, world.person, visited_on=TODAY - datetime.timedelta(days=1),
                                    findings="在家", data={"employment_status": "seeking"})
    assert late.superseded and late.changes == {}
    person = fresh(world.person)
    assert (person.employment_status, person.surveyed_on) == ("in_county", TODAY)
    assert Survey.objects.count() == 2


def test_a_survey_of_the_same_day_or_later_applies(world):
    actions.do_record_survey(world.sam, world.person, visited_on=TODAY - datetime.timedelta(days=3),
                             findings="在家", data={"employment_status": "seeking"})
    survey = actions.do_record_survey(world.sam, world.person, visited_on=TODAY, findings="已就业",
                                      data={"employment_status": "in_county", "employer_name": "茶厂"})
    assert not survey.superseded
    assert fresh(world.person).employment_status == "in_county"


# --- history with its actor -----------------------------------------------------------------------

def test_a_household_move_takes_its_members_with_history_and_one_audit_entry(world):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    members = [make_person(world.alice, name=name, seq=seq, household=household, relationship=rel)
               for name, seq, rel in (("刘一", 21, "head"), ("刘二", 23, "spouse"))]
    actions.do_record_survey(world.sam, members[0], visited_on=TODAY, findings="在家", data={})
    actions.do_update_household(world.tom, household, {"region_code": "522633101002"})
    for member in members:
        member = fresh(member)
        assert member.region_code == "522633101002"
        latest = history_entries(member)[0]
        assert latest.user == "tom"
        assert latest.reason == "随家庭户迁至 522633101002"
        assert [(c.field, c.old, c.new) for c in latest.changes] == [
            ("region_code", "522633101001", "522633101002")]
    entry = AuditEntry.objects.get(action=Action.BULK)
    assert (entry.username, entry.detail["rows"], entry.detail["from"]) == ("tom", 2, "522633101001")


def test_surveys_follow_their_person_to_the_new_village(world, client):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    member = make_person(world.alice, name="刘一", seq=21, household=household)
    actions.do_record_survey(world.sam, member, visited_on=TODAY, findings="在家", data={})
    assert Api(client, world.sam).get("/api/surveys").json()["count"] == 1
    actions.do_update_household(world.alice, household, {"region_code": "522633102001"})
    assert Api(client, world.sam).get("/api/surveys").json()["count"] == 0


def test_a_cli_command_writes_history_in_the_name_of_its_actor(world):
    # 张三丰 is past working age now: the daily refresh sees him leave the labour force.
    Person.objects.filter(pk=world.person.pk).update(birth_date=datetime.date(1950, 1, 1))
    call_command("refresh")
    latest = history_entries(fresh(world.person))[0]
    assert latest.user == "系统"
    assert [(c.field, c.new) for c in latest.changes] == [("is_labour", "否")]
    assert AuditEntry.objects.filter(action=Action.BULK, username=SYSTEM_USERNAME).exists()
    call_command("refresh", actor="alice")  # nothing left to change, but the run is audited as alice
    assert AuditEntry.objects.filter(action=Action.BULK, username="alice").exists()


def test_a_page_edit_records_its_user_in_history(world, client):
    client.login(username="tom", password=PASSWORD)
    url = reverse("household_create")
    response = client.post(url, {"region_code": "522633101001", "poverty_status": "none", "address": "三组"})
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.history.get().history_user.username == "tom"
