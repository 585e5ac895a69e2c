"""Job spells: their rules, the status that follows the open one, surveys, pages, API, bulk sync."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import PASSWORD, make_person
from bangfu.core.permissions import Forbidden
from bangfu.core.writes import StaleEdit
from bangfu.registry import actions
from bangfu.registry import choices as c
from bangfu.registry.models import EmploymentSpell, Household, Person
from bangfu.registry.services import sync_status_from_spells
from bangfu.registry.tests.test_api import Api

THIS_MONTH = timezone.localdate().replace(day=1)


def month(year, number):
    return datetime.date(year, number, 1)


def months_ago(n: int) -> datetime.date:
    index = THIS_MONTH.year * 12 + THIS_MONTH.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


def spell(user, person, start, end=None, place="out_province", **more):
    return actions.do_record_spell(user, person, {"start_month": start, "end_month": end, "place": place, **more})


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def refused(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- rules ---------------------------------------------------------------------------------------

def test_it_names_the_field_of_each_bad_value(world):
    errors = refused(lambda: actions.do_record_spell(world.alice, world.person, {
        "start_month": month(2023, 5), "end_month": month(2023, 1), "place": "abroad",
        "monthly_income": -1, "transport_subsidy": 2_000_000, "channel": "公益岗位"}))
    assert set(errors) == {"place", "monthly_income", "transport_subsidy", "channel", "end_month"}
    assert errors["end_month"] == ["结束年月（2023年01月）不能早于开始年月（2023年05月）"]
    assert errors["monthly_income"] == ["应为 0 到 1,000,000 之间的整数（元）"]
    assert not EmploymentSpell.objects.exists()


def test_it_refuses_months_after_this_one_and_needs_a_start(world):
    later = months_ago(-1)
    assert refused(lambda: spell(world.alice, world.person, later))["start_month"] == ["开始年月不能晚于本月"]
    assert refused(lambda: spell(world.alice, world.person, THIS_MONTH, later))["end_month"] == ["结束年月不能晚于本月"]
    assert refused(lambda: spell(world.alice, world.person, None))["start_month"] == ["请填写开始年月"]
    assert refused(lambda: spell(world.alice, world.person, month(1969, 12)))["start_month"] == [
        "开始年月不能早于 1970年01月"]


def test_a_month_is_stored_as_its_first_day_and_may_end_in_its_start_month(world):
    made = spell(world.alice, world.person, datetime.date(2023, 5, 17), datetime.date(2023, 5, 30))
    assert (made.start_month, made.end_month) == (month(2023, 5), month(2023, 5))
    assert made.months_label == "2023年05月–2023年05月"


def test_a_new_open_spell_ends_the_open_one_in_the_month_it_starts(world):
    first = spell(world.alice, world.person, month(2022, 3), place="in_county", employer_name="茶厂")
    second = spell(world.alice, world.person, month(2024, 7), employer_name="东莞电子厂")
    assert fresh(first).end_month == month(2024, 7)
    assert fresh(second).is_open
    assert EmploymentSpell.objects.filter(person=world.person, end_month__isnull=True).count() == 1
    closing = AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(first.pk)).get()
    assert closing.detail["fields"] == ["end_month"]


def test_a_new_open_spell_may_not_start_before_the_open_one(world):
    spell(world.alice, world.person, month(2024, 7), employer_name="东莞电子厂")
    errors = refused(lambda: spell(world.alice, world.person, month(2024, 6)))
    assert errors == {"start_month": [
        "已有 2024年07月起（东莞电子厂） 的在岗务工经历，新的在岗经历不能早于它开始：请先修改或结束那一段"]}


def test_the_database_holds_one_open_spell_per_person(world):
    from django.db import IntegrityError, transaction

    spell(world.alice, world.person, month(2024, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentSpell.objects.create(person=world.person, region_code=world.person.region_code,
                                       start_month=month(2024, 2), place="in_county")


def test_overlapping_spells_are_refused_naming_the_other(world):
    spell(world.alice, world.person, month(2021, 1), month(2021, 12), employer_name="甲厂")
    errors = refused(lambda: spell(world.alice, world.person, month(2021, 6), month(2022, 3)))
    assert errors == {"start_month": ["与务工经历 2021年01月–2021年12月（甲厂） 的时间重叠，请核对开始和结束年月"]}
    errors = refused(lambda: spell(world.alice, world.person, month(2020, 6), month(2021, 3)))
    assert list(errors) == ["end_month"]
    # A job that ends in the month the next one starts is a change of job, not an overlap.
    spell(world.alice, world.person, month(2021, 12), month(2022, 5))
    spell(world.alice, world.person, month(2020, 1), month(2021, 1))
    assert EmploymentSpell.objects.filter(person=world.person).count() == 3


def test_a_closed_spell_may_not_overlap_the_open_one(world):
    spell(world.alice, world.person, month(2022, 1))
    assert list(refused(lambda: spell(world.alice, world.person, month(2023, 1), month(2023, 6)))) == ["start_month"]
    spell(world.alice, world.person, month(2020, 1), month(2022, 1))  # ends as it starts: fine


# --- the status follows the open spell ----------------------------------------------------------

def test_the_status_and_workplace_follow_the_open_spell_and_its_end(world):
    made = spell(world.alice, world.person, month(2024, 3), employer_name="广东省东莞市某电子厂")
    person = fresh(world.person)
    assert (person.employment_status, person.employer_name) == ("out_province", "广东省东莞市某电子厂")
    assert world.person.employment_status == "out_province"  # the caller's instance too
    actions.do_end_spell(world.alice, made, THIS_MONTH)
    person = fresh(world.person)
    assert (person.employment_status, person.employer_name, person.not_seeking_reason) == ("seeking", "", "")


def test_the_channel_gives_the_status_where_it_is_a_kind_of_work(world):
    spell(world.alice, world.person, month(2024, 3), place="in_county", channel="public_welfare")
    assert fresh(world.person).employment_status == "public_welfare"
    spell(world.alice, world.person, month(2024, 5), place="in_county", channel="workshop")
    assert fresh(world.person).employment_status == "in_county"
    assert c.spell_status("out_county", "flexible") == "flexible"
    assert c.spell_status("out_county", "organised") == "out_county"


def test_ending_a_spell_may_say_the_person_no_longer_seeks_work(world):
    made = spell(world.alice, world.person, month(2024, 3))
    errors = refused(lambda: actions.do_end_spell(world.alice, made, THIS_MONTH,
                                                  then={"employment_status": "not_seeking"}))
    assert errors == {"not_seeking_reason": ["暂无就业意愿须说明原因"]}
    assert fresh(made).is_open
    actions.do_end_spell(world.alice, made, THIS_MONTH,
                         then={"employment_status": "not_seeking", "not_seeking_reason": "caring"})
    person = fresh(world.person)
    assert (person.employment_status, person.not_seeking_reason) == ("not_seeking", "caring")


def test_an_ended_spell_cannot_end_again(world):
    made = spell(world.alice, world.person, month(2024, 3), month(2024, 4))
    assert refused(lambda: actions.do_end_spell(world.alice, made, THIS_MONTH)) == {
        "end_month": ["该务工经历已于 2024年03月–2024年04月 结束"]}


def test_editing_or_deleting_the_open_spell_moves_the_status(world):
    made = spell(world.alice, world.person, month(2024, 3))
    actions.do_update_spell(world.alice, made, {"place": "out_county", "employer_name": "贵阳物流"}, version=1)
    person = fresh(world.person)
    assert (person.employment_status, person.employer_name) == ("out_county", "贵阳物流")
    with pytest.raises(StaleEdit):
        actions.do_update_spell(world.alice, made, {"place": "in_county"}, version=1)
    actions.do_delete_spell(world.alice, made, version=2)
    assert fresh(world.person).employment_status == "seeking"
    assert not EmploymentSpell.objects.exists()
    assert [row.history_type for row in EmploymentSpell.history.filter(id=made.pk).order_by("history_id")] == [
        "+", "~", "-"]


def test_the_household_counts_follow_the_spells(world):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    member = make_person(world.alice, name="赵六", seq=41, household=household)
    assert fresh(household).zero_employment
    made = spell(world.alice, member, month(2024, 3))
    household = fresh(household)
    assert (household.employed_count, household.zero_employment) == (1, False)
    actions.do_end_spell(world.alice, made, THIS_MONTH)
    household = fresh(household)
    assert (household.employed_count, household.zero_employment) == (0, True)


def test_a_typed_employed_status_becomes_a_spell_from_this_month(world):
    actions.do_update_person(world.alice, world.person, {"employment_status": "public_welfare",
                                                        "employer_name": "护路员"})
    [made] = EmploymentSpell.objects.filter(person=world.person)
    assert (made.start_month, made.place, made.channel, made.employer_name, made.is_open) == (
        THIS_MONTH, "in_county", "public_welfare", "护路员", True)
    assert fresh(world.person).employment_status == "public_welfare"
    actions.do_update_person(world.alice, world.person, {"employer_name": "护林员"})
    assert fresh(made).employer_name == "护林员"
    actions.do_update_person(world.alice, world.person, {"employment_status": "seeking"})
    assert fresh(made).end_month == THIS_MONTH
    person = fresh(world.person)
    assert (person.employment_status, person.employer_name) == ("seeking", "")


def test_a_workplace_without_an_open_spell_is_refused(world):
    errors = refused(lambda: actions.do_update_person(world.alice, world.person, {"employer_name": "某厂"}))
    assert errors == {"employer_name": ["没有在岗的务工经历，不能填写就业单位/地点：请先登记务工经历"]}


def test_a_survey_opens_and_ends_spells_in_the_visit_month(world):
    visit = months_ago(2) + datetime.timedelta(days=9)
    actions.do_record_survey(world.sam, world.person, visited_on=visit, findings="在县城务工",
                             data={"employment_status": "in_county", "employer_name": "县城饭店"})
    [made] = EmploymentSpell.objects.filter(person=world.person)
    assert (made.start_month, made.source, made.employer_name) == (months_ago(2), "survey", "县城饭店")
    actions.do_record_survey(world.sam, world.person, visited_on=timezone.localdate(), findings="已返乡",
                             data={"employment_status": "seeking", "employer_name": "县城饭店"})
    assert fresh(made).end_month == THIS_MONTH
    assert fresh(world.person).employment_status == "seeking"


def test_a_survey_whose_spell_change_does_not_fit_says_so_on_the_status(world):
    spell(world.alice, world.person, months_ago(1))
    errors = refused(lambda: actions.do_record_survey(world.sam, world.person, visited_on=months_ago(3),
                                                      findings="未就业", data={"employment_status": "seeking"}))
    assert list(errors) == ["employment_status"]
    assert errors["employment_status"][0].startswith("结束年月")
    assert fresh(world.person).employment_status == "out_province"


# --- gate and scope ------------------------------------------------------------------------------

def test_only_editors_within_reach_record_spells(world):
    with pytest.raises(Forbidden):
        spell(world.sam, world.person, month(2024, 1))  # a surveyor records spells through surveys
    with pytest.raises(Forbidden):
        spell(world.bob, world.person, month(2024, 1))
    with pytest.raises(Forbidden):
        spell(world.dora, world.person, month(2024, 1))  # not a disabled person
    assert not EmploymentSpell.objects.exists()


def test_the_spell_pages_answer_404_outside_the_region(world, client):
    made = spell(world.alice, world.person, month(2024, 1))
    client.login(username="bob", password=PASSWORD)
    for name in ("spell_edit", "spell_end"):
        assert client.get(reverse(name, args=[made.pk])).status_code == 404
    assert client.get(reverse("spell_create", args=[world.person.pk])).status_code == 404
    assert client.post(reverse("spell_delete", args=[made.pk])).status_code == 404
    assert EmploymentSpell.objects.filter(pk=made.pk).exists()


# --- pages ---------------------------------------------------------------------------------------

def test_an_officer_records_edits_and_ends_a_spell_on_the_pages(world, client):
    client.login(username="alice", password=PASSWORD)
    page = client.get(reverse("person_detail", args=[world.person.pk])).content.decode()
    assert "暂无务工经历" in page and reverse("spell_create", args=[world.person.pk]) in page
    response = client.post(reverse("spell_create", args=[world.person.pk]), {
        "start_month": "2024-03", "place": "out_province", "place_text": "广东省东莞市", "channel": "organised",
        "employer_name": "东莞电子厂", "monthly_income": "4500", "transport_subsidy": "600", "submission": "k1"})
    assert response.status_code == 302
    made = EmploymentSpell.objects.get(person=world.person)
    page = client.get(reverse("person_detail", args=[world.person.pk])).content.decode()
    assert "2024年03月起" in page and "东莞电子厂" in page and "4500" in page and "省外务工" in page
    response = client.post(reverse("spell_edit", args=[made.pk]), {
        "start_month": "2024年02月", "place": "out_province", "employer_name": "东莞电子厂", "version": "1"})
    assert response.status_code == 302 and fresh(made).start_month == month(2024, 2)
    response = client.post(reverse("spell_end", args=[made.pk]), {
        "end_month": THIS_MONTH.strftime("%Y-%m"), "employment_status": "seeking", "version": "2"})
    assert response.status_code == 302
    assert fresh(made).end_month == THIS_MONTH and fresh(world.person).employment_status == "seeking"


def test_the_spell_form_shows_every_problem_in_one_round(world, client):
    client.login(username="alice", password=PASSWORD)
    response = client.post(reverse("spell_create", args=[world.person.pk]), {
        "start_month": "2024-13", "end_month": "2023-01", "monthly_income": "-5"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "请填写年月，如 2023-05" in body
    assert body.count('class="error"') >= 3  # the month, the place and the income at once
    assert not EmploymentSpell.objects.exists()


def test_the_person_form_types_no_employed_status(world, client):
    client.login(username="alice", password=PASSWORD)
    form = client.get(reverse("person_edit", args=[world.person.pk])).content.decode()
    assert 'value="seeking"' in form and 'value="in_county"' not in form and 'name="employer_name"' not in form
    spell(world.alice, world.person, month(2024, 1))
    form = client.get(reverse("person_edit", args=[world.person.pk])).content.decode()
    assert 'name="employment_status"' not in form
    assert "随在岗的务工经历 2024年01月起" in form


# --- API -----------------------------------------------------------------------------------------

def test_the_api_lists_records_updates_and_ends_spells(world, client):
    api = Api(client, world.alice)
    base = f"/api/people/{world.person.pk}/spells"
    response = api.post(base, {"start_month": "2024-03", "place": "out_county", "channel": "organised",
                               "employer_name": "贵阳物流", "monthly_income": 3800, "transport_subsidy": 500})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["start_month"], body["end_month"], body["status"], body["is_open"]) == (
        "2024-03", None, "out_county", True)
    assert response["ETag"] == '"1"'
    spell_url = f"{base}/{body['id']}"
    response = api.patch(spell_url, {"monthly_income": 4000}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["monthly_income"] == 4000
    assert api.patch(spell_url, {"monthly_income": 1}, HTTP_IF_MATCH='"1"').status_code == 412
    response = api.post(f"{spell_url}/end", {"end_month": THIS_MONTH.strftime("%Y-%m")})
    assert response.status_code == 200 and response.json()["end_month"] == THIS_MONTH.strftime("%Y-%m")
    assert api.get(f"/api/people/{world.person.pk}").json()["employment_status"] == "seeking"
    [listed] = api.get(base).json()
    assert listed["id"] == body["id"]
    response = client.delete(spell_url, HTTP_AUTHORIZATION=f"Bearer {api.token}")
    assert response.status_code == 204 and not EmploymentSpell.objects.exists()


def test_the_api_names_the_field_and_keeps_others_out(world, client):
    api = Api(client, world.alice)
    response = api.post(f"/api/people/{world.person.pk}/spells", {"start_month": "2024-05", "end_month": "2024-01",
                                                                  "place": "in_county"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["end_month"]
    made = spell(world.alice, world.person, month(2024, 1))
    outsider = Api(client, world.bob)
    assert outsider.get(f"/api/people/{world.person.pk}/spells").status_code == 404
    assert outsider.patch(f"/api/people/{world.person.pk}/spells/{made.pk}", {"place": "in_county"}).status_code == 404
    other = f"/api/people/{world.other_village_person.pk}/spells/{made.pk}"  # not that person's spell
    assert api.patch(other, {"place": "in_county"}).status_code == 404
    assert Api(client, world.sam).post(f"/api/people/{world.person.pk}/spells",
                                       {"start_month": "2024-05", "place": "in_county"}).status_code == 403


# --- history, bulk, migration, moves ------------------------------------------------------------

def test_spell_writes_keep_history_with_their_actor(world):
    made = spell(world.alice, world.person, month(2024, 3))
    actions.do_end_spell(world.tom, made, THIS_MONTH)
    rows = list(EmploymentSpell.history.filter(id=made.pk).order_by("history_id"))
    assert [(row.history_type, row.history_user.username, row.end_month) for row in rows] == [
        ("+", "alice", None), ("~", "tom", THIS_MONTH)]
    reasons = list(Person.history.filter(id=world.person.pk).order_by("-history_id")
                   .values_list("history_change_reason", flat=True)[:2])
    assert reasons == ["随务工经历更新就业状态", "随务工经历更新就业状态"]


def test_sync_sets_many_people_from_their_spells_at_once(world, django_assert_max_num_queries):
    people = [make_person(world.alice, name=f"批量{n}", seq=51 + 2 * n) for n in range(5)]
    EmploymentSpell.objects.bulk_create([
        EmploymentSpell(person=p, region_code=p.region_code, start_month=month(2024, 1), place="out_province",
                        employer_name=f"厂{n}", source="import") for n, p in enumerate(people[:3])])
    Person.objects.filter(pk=people[4].pk).update(employment_status="in_county")  # employed without a spell
    ids = [p.pk for p in people]
    with django_assert_max_num_queries(40):
        assert sync_status_from_spells(ids) == 4
    statuses = dict(Person.objects.filter(pk__in=ids).values_list("name", "employment_status"))
    assert statuses == {"批量0": "out_province", "批量1": "out_province", "批量2": "out_province",
                        "批量3": "seeking", "批量4": "seeking"}
    assert fresh(people[1]).employer_name == "厂1"
    assert Person.history.filter(id=people[0].pk, employment_status="out_province").exists()
    assert sync_status_from_spells(Person.objects.filter(pk__in=ids)) == 0


def test_the_migration_opens_a_spell_for_everyone_employed(world):
    migration = importlib.import_module("bangfu.registry.migrations.0009_employment_spells")
    Person.objects.filter(pk=world.person.pk).update(employment_status="self_employed", employer_name="电商网店")
    migration.open_spells(apps, None)
    [made] = EmploymentSpell.objects.all()
    updated = timezone.localtime(fresh(world.person).updated_at).date().replace(day=1)
    assert (made.person_id, made.start_month, made.place, made.channel, made.employer_name, made.source) == (
        world.person.pk, updated, "in_county", "self_employed", "电商网店", "migrated")
    assert made.status == "self_employed"


def test_spells_follow_their_person_to_another_village(world):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    member = make_person(world.alice, name="赵六", seq=41, household=household)
    made = spell(world.alice, member, month(2024, 1))
    actions.do_update_household(world.alice, household, {"region_code": "522633102001"})
    assert fresh(made).region_code == "522633102001"
    actions.do_update_person(world.alice, fresh(member), {"household": None, "region_code": "522633101002"})
    assert fresh(made).region_code == "522633101002"
    assert Household.objects.filter(pk=household.pk).exists()
