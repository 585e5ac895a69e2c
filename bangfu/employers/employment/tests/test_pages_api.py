"""The pages and the API of employment records and rosters, as an operator and as officers."""

import datetime
import json

import pytest
from django.urls import reverse

from bangfu.accounts.models import ApiToken
from bangfu.conftest import valid_id
from bangfu.employers.employment import actions
from bangfu.employers.models import Employment, MonthlyRecord, RosterSubmission
from bangfu.employers.testing import make_employer

ZHANG = valid_id("522633", datetime.date(1985, 3, 9), 11)


def api(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'tests')[1]}"}


@pytest.fixture
def employment(world, shop):
    employer, _workshop = shop
    return actions.do_start_employment(world.ed, employer, {"id_number": ZHANG, "name": "张三丰", "job_title": "绣工",
                                                            "start_date": datetime.date(2024, 1, 2)})


def test_the_operator_submits_a_month_in_the_form_and_sees_the_refused_row(client, world, shop, employment, workers):
    employer, _workshop = shop
    client.force_login(world.ed)
    page = client.get(reverse("roster"), {"month": "2024-03"})
    assert page.status_code == 200 and "张三丰" in page.content.decode()
    person, number = workers[0]
    response = client.post(reverse("roster"), {
        "employer": employer.pk, "month": "2024-03", "rows": 3,
        "row_0_employment": employment.pk, "row_0_days_worked": "20", "row_0_pay": "2600", "row_0_insurance": "15",
        "row_1_id_number": number, "row_1_name": person.name, "row_1_days_worked": "40", "row_1_pay": "100",
        "row_2_id_number": "", "row_2_name": ""})
    submission = RosterSubmission.objects.get()
    assert response.status_code == 302 and response.url == reverse("roster_submission", args=[submission.pk])
    result = client.get(response.url).content.decode()
    assert "出勤天数：" in result and "赵一" in result
    assert MonthlyRecord.objects.get().employment == employment
    detail = client.get(reverse("employment_detail", args=[employment.pk])).content.decode()
    assert "2024年03月" in detail and "2600" in detail


def test_the_list_filters_by_month_worked_and_open_and_exports(client, world, shop, employment):
    employer, _workshop = shop
    actions.do_submit_roster(world.ed, employer, None, datetime.date(2024, 3, 1),
                             [{"employment": str(employment.pk), "days_worked": 20, "pay": "2600"}])
    client.force_login(world.alice)
    assert "绣工" in client.get(reverse("employment_list"), {"worked": "2024-03"}).content.decode()
    assert "绣工" not in client.get(reverse("employment_list"), {"worked": "2024-04"}).content.decode()
    assert "绣工" not in client.get(reverse("employment_list"), {"open": "0"}).content.decode()
    assert client.get(reverse("export", args=["employments"]), {"open": "1"}).status_code == 200


def test_every_page_renders_for_each_role_that_reaches_it(client, world, shop, employment):
    employer, _workshop = shop
    submission = actions.do_submit_roster(world.ed, employer, None, datetime.date(2024, 3, 1), []).submission
    pages = [reverse("employment_list"), reverse("employment_detail", args=[employment.pk]),
             reverse("roster_submissions"), reverse("roster_submission", args=[submission.pk])]
    for user in (world.ed, world.alice, world.tom, world.admin, world.audrey):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 200, (user, url)
    for user in (world.ed, world.alice, world.admin):
        client.force_login(user)
        for url in (reverse("roster"), reverse("employment_start"), reverse("employment_end", args=[employment.pk])):
            assert client.get(url).status_code == 200, (user, url)
    client.force_login(world.bob)
    assert client.get(reverse("employment_detail", args=[employment.pk])).status_code == 404
    client.force_login(world.sam)
    assert client.get(reverse("employment_list")).status_code == 403


def test_the_start_and_end_forms_write_through_the_actions(client, world, shop):
    employer, _workshop = shop
    client.force_login(world.ed)
    response = client.post(reverse("employment_start"), {
        "employer": employer.pk, "id_number": ZHANG, "name": "张三丰", "start_date": "2024-02-01",
        "agreement": "contract", "submission": "a" * 32})
    employment = Employment.objects.get()
    assert response.status_code == 302
    response = client.post(reverse("employment_end", args=[employment.pk]), {
        "end_date": "2024-06-30", "version": employment.version})
    assert response.status_code == 302
    employment.refresh_from_db()
    assert employment.end_date == datetime.date(2024, 6, 30)
    world.person.refresh_from_db()
    assert world.person.employment_status == "seeking"


def test_the_api_lists_starts_ends_and_takes_a_roster(client, world, shop, employment, workers):
    employer, _workshop = shop
    ed = api(world.ed)
    listed = client.get("/api/employments", **ed).json()
    assert [item["id"] for item in listed["items"]] == [employment.pk]
    assert listed["items"][0]["id_number"].endswith(ZHANG[-4:]) and ZHANG not in json.dumps(listed)
    person, number = workers[0]
    started = client.post("/api/employments", {"employer_id": employer.pk, "id_number": number, "name": person.name,
                                                "start_date": "2024-02-01"}, content_type="application/json", **ed)
    assert started.status_code == 201
    roster = {"employer_id": employer.pk, "month": "2024-03", "rows": [
        {"employment_id": employment.pk, "days_worked": 20, "pay": 2600, "insurance": 15},
        {"id_number": number, "name": person.name, "days_worked": 18, "pay": 2000.5},
        {"id_number": workers[1][1], "name": "别人", "days_worked": 18, "pay": 2000}]}
    answer = client.post("/api/rosters", roster, content_type="application/json", **ed)
    assert answer.status_code == 201
    body = answer.json()
    assert (body["added"], body["refused"]) == (2, 1)
    assert body["refused_rows"][0]["row"] == 3 and "证件号码" in body["refused_rows"][0]["errors"]
    again = client.post("/api/rosters", roster, content_type="application/json", **ed).json()
    assert (again["added"], again["unchanged"]) == (0, 2)
    ended = client.post(f"/api/employments/{employment.pk}/end", {"end_date": "2024-04-30"},
                        content_type="application/json", **ed)
    assert ended.status_code == 200 and ended.json()["end_date"] == "2024-04-30"


def test_the_api_refuses_another_employers_roster_as_absent(client, world, shop):
    other = make_employer(world.alice, "522633101001", "别家")
    answer = client.post("/api/rosters", {"employer_id": other.pk, "month": "2024-03", "rows": []},
                         content_type="application/json", **api(world.ed))
    assert answer.status_code == 404


def test_the_federation_sees_only_disabled_peoples_employments(client, world, shop, employment):
    client.force_login(world.dora)
    assert client.get(reverse("employment_detail", args=[employment.pk])).status_code == 404


def test_an_operator_may_upload_a_roster_but_no_other_kind(client, world, shop):
    client.force_login(world.ed)
    page = client.get(reverse("import_upload"))
    assert page.status_code == 200
    kinds = [k.name for k in page.context["kinds"]]
    assert kinds == ["roster"]
    assert client.get(reverse("import_template", args=["roster"])).status_code == 200
