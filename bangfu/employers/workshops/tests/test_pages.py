import datetime

import pytest
from django.test import Client
from django.urls import reverse

from bangfu.accounts.models import ApiToken
from bangfu.employers.models import Employer, EmployerOperator, Workshop
from bangfu.employers.testing import make_employer, make_workshop
from bangfu.employers.workshops import lifecycle
from bangfu.employers.workshops.tests.helpers import VILLAGE, load_guangxi, quarter_months, worker


def _pages(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'tests')[1]}")


def _certified(world, name="认定车间") -> Workshop:
    workshop = make_workshop(world.alice, VILLAGE, name, start_date=datetime.date(2024, 1, 1), site_rent=12000)
    lifecycle.do_review(world.alice, workshop)
    lifecycle.do_certify(world.alice, workshop, certificate_number=f"C-{workshop.pk}",
                         certified_on=datetime.date(2025, 1, 1), level="county")
    return workshop


@pytest.mark.parametrize("username", ["alice", "tom", "dora", "audrey", "admin"])
def test_the_list_and_detail_render_for_every_role_that_reaches_them(world, username):
    load_guangxi(world.admin)
    workshop = _certified(world)
    client = _pages(getattr(world, username))
    listing = client.get(reverse("workshop_list"))
    assert listing.status_code == 200 and "认定车间" in listing.content.decode()
    detail = client.get(reverse("workshop_detail", args=[workshop.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200 and "办理过程" in body and "场地租金减免" in body
    assert "脱贫劳动力 0 人，须不少于 5 人" in body


def test_the_list_filters_sorts_and_refuses_a_bad_filter(world):
    _certified(world, "甲")
    make_workshop(world.alice, VILLAGE, "乙", kind="home")
    client = _pages(world.alice)
    body = client.get(reverse("workshop_list"), {"status": "running"}).content.decode()
    assert "甲" in body and ">乙<" not in body
    body = client.get(reverse("workshop_list"), {"kind": "home", "sort": "-name"}).content.decode()
    assert ">乙<" in body and ">甲<" not in body
    assert client.get(reverse("workshop_list"), {"status": "nonsense"}).status_code == 400


def test_the_detail_shows_only_the_moves_allowed_now(world):
    workshop = make_workshop(world.alice, VILLAGE, "新车间")
    body = _pages(world.alice).get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    assert reverse("workshop_move", args=[workshop.pk, "review"]) in body
    assert reverse("workshop_move", args=[workshop.pk, "certify"]) not in body
    assert reverse("workshop_move", args=[workshop.pk, "review"]) not in _pages(world.tom).get(
        reverse("workshop_detail", args=[workshop.pk])).content.decode()


def test_a_move_not_allowed_now_is_refused_with_the_reason(world):
    workshop = make_workshop(world.alice, VILLAGE, "新车间")
    client = _pages(world.alice)
    response = client.get(reverse("workshop_move", args=[workshop.pk, "revoke"]), follow=True)
    assert "当前状态为“已申报”，不能进行“摘牌”" in response.content.decode()
    response = client.post(reverse("workshop_move", args=[workshop.pk, "revoke"]), {"comment": "x"})
    workshop.refresh_from_db()
    assert workshop.status == "applied"


def test_an_officer_reviews_and_certifies_through_the_forms(world):
    workshop = make_workshop(world.alice, VILLAGE, "新车间")
    client = _pages(world.alice)
    response = client.post(reverse("workshop_move", args=[workshop.pk, "review"]), {"comment": "受理"})
    assert response.status_code == 302
    form = client.get(reverse("workshop_move", args=[workshop.pk, "certify"])).content.decode()
    assert 'name="certificate_number"' in form
    response = client.post(reverse("workshop_move", args=[workshop.pk, "certify"]), {
        "certificate_number": "GZ-9", "certified_on": "2025-01-02", "level": "county", "comment": ""})
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.status, workshop.certificate_number) == ("running", "GZ-9")


def test_an_operator_applies_without_picking_an_employer(world):
    own = make_employer(world.alice, VILLAGE, "自家公司")
    EmployerOperator.objects.create(user=world.ed, employer=own)
    client = _pages(world.ed)
    form = client.get(reverse("workshop_apply")).content.decode()
    assert 'name="employer"' not in form and "自家公司" in form
    response = client.post(reverse("workshop_apply"), {"name": "自家车间", "kind": "home", "site": "community"})
    workshop = Workshop.objects.get(name="自家车间")
    assert response.status_code == 302 and workshop.employer == own
    assert client.get(reverse("workshop_detail", args=[workshop.pk])).status_code == 200
    assert client.get(reverse("workshop_monitoring")).status_code == 403


def test_an_officer_picks_among_the_employers_of_their_region(world):
    ours = make_employer(world.alice, VILLAGE, "从江公司")
    theirs = make_employer(world.bob, "522631101001", "黎平公司")
    closed = make_employer(world.alice, VILLAGE, "停业公司")
    Employer.objects.filter(pk=closed.pk).update(active=False)
    client = _pages(world.alice)
    assert 'name="employer_q"' in client.get(reverse("workshop_apply")).content.decode()
    # the picker's search offers the active employers of her region only
    options = client.get(reverse("employer_options"), {"employer_q": "公司", "for": "workshop"}).content.decode()
    assert "从江公司" in options and "黎平公司" not in options and "停业公司" not in options
    fields = {"name": "新车间", "kind": "home", "site": "community"}
    # without JavaScript: a search with nothing chosen shows the matches and saves nothing
    searched = client.post(reverse("workshop_apply"), {**fields, "employer_q": "从江"})
    assert searched.status_code == 200 and "从江公司" in searched.content.decode()
    for refused in (theirs, closed):
        assert client.post(reverse("workshop_apply"), {**fields, "employer": refused.pk}).status_code == 200
    assert not Workshop.objects.filter(name="新车间").exists()
    assert client.post(reverse("workshop_apply"), {**fields, "employer": ours.pk}).status_code == 302
    assert Workshop.objects.get(name="新车间").employer == ours


def test_the_monitoring_page_lists_the_workshops_below_the_standard(world):
    load_guangxi(world.admin)
    failing = _certified(world, "落后车间")
    passing = _certified(world, "达标车间")
    for _ in range(5):
        worker(world.alice, passing, quarter_months(2025, 2))
    body = _pages(world.alice).get(reverse("workshop_monitoring"), {"quarter": "2025Q2"}).content.decode()
    assert "落后车间" in body and "达标车间" not in body
    assert reverse("workshop_move", args=[failing.pk, "monitor_pending"]) in body
    assert _pages(world.tom).get(reverse("workshop_monitoring")).status_code == 403
    assert _pages(world.alice).get(reverse("workshop_monitoring"), {"quarter": "2025Q9"}).status_code == 400


def test_who_counts_is_listed_for_those_who_may_see_employment(world):
    load_guangxi(world.admin)
    workshop = _certified(world)
    today = datetime.date.today()  # noqa: DTZ011 (the page's current quarter)
    person = worker(world.alice, workshop, [today.replace(day=1)])
    body = _pages(world.alice).get(reverse("workshop_detail", args=[workshop.pk]), {"who": "tuopin_workers"})
    assert person.name in body.content.decode()
    assert _pages(world.alice).get(reverse("workshop_detail", args=[workshop.pk]), {"who": "nope"}).status_code == 404


def test_the_policy_pages_edit_sets_and_criteria_with_history(world):
    load_guangxi(world.admin)
    client = _pages(world.admin)
    assert "广西就业帮扶车间认定标准（2022）" in client.get(reverse("criteria_list")).content.decode()
    criteria_set = lifecycle.cr.CriteriaSet.objects.get(purpose="monitor")
    response = client.post(reverse("criterion_create", args=[criteria_set.pk]), {
        "measure": "workers", "comparison": "gte", "threshold": "8", "label": "吸纳就业不少于 8 人"})
    assert response.status_code == 302
    assert criteria_set.criteria.filter(measure="workers", threshold=8).exists()
    response = client.post(reverse("criteria_set_edit", args=[criteria_set.pk]), {
        "region_prefix": "52", "purpose": "monitor", "name": "改过的名称", "effective_from": "2022-01-01",
        "period_months": 3, "buffer_months": 4})
    assert response.status_code == 302
    criteria_set.refresh_from_db()
    assert (criteria_set.name, criteria_set.buffer_months) == ("改过的名称", 4)
    history = client.get(reverse("criteria_set_history", args=[criteria_set.pk])).content.decode()
    assert "吸纳就业不少于 8 人" in history and "改过的名称" in history
    assert client.get(reverse("criteria_set_detail", args=[criteria_set.pk])).status_code == 200
    assert _pages(world.alice).get(reverse("criteria_list")).status_code == 403


def test_the_yearly_report_form(world):
    workshop = make_workshop(world.alice, VILLAGE, "车间")
    client = _pages(world.alice)
    response = client.post(reverse("workshop_report", args=[workshop.pk]), {"year": 2024, "revenue": 650000})
    assert response.status_code == 302 and workshop.reports.get().revenue == 650000
    again = client.post(reverse("workshop_report", args=[workshop.pk]), {"year": 2024, "revenue": 1})
    assert "已报送 2024 年度经营情况" in again.content.decode()


# --- API ------------------------------------------------------------------------------------------

def test_the_api_applies_moves_and_evaluates(world):
    load_guangxi(world.admin)
    employer = make_employer(world.alice, VILLAGE, "公司")
    api = _api(world.alice)
    response = api.post("/api/workshops", {"employer_id": employer.pk, "name": "接口车间", "kind": "factory",
                                           "site": "relocation"}, content_type="application/json")
    assert response.status_code == 201, response.content
    workshop_id = response.json()["id"]
    assert response.json()["events"][0]["action"] == "apply"
    refused = api.post(f"/api/workshops/{workshop_id}/transitions", {"action": "revoke", "comment": "x"},
                       content_type="application/json")
    assert refused.status_code == 422 and "不能进行“摘牌”" in refused.content.decode()
    for move in ({"action": "review"}, {"action": "certify", "certificate_number": "API-1",
                                        "certified_on": "2025-01-01", "level": "city"}):
        response = api.post(f"/api/workshops/{workshop_id}/transitions", move, content_type="application/json")
        assert response.status_code == 200, response.content
    assert response.json()["status"] == "running" and response.json()["certified_level"] == "city"
    evaluation = api.get(f"/api/workshops/{workshop_id}/evaluation", {"quarter": "2025Q1"}).json()
    assert evaluation["passed"] is False and evaluation["results"][0]["why"] == "脱贫劳动力 0 人，须不少于 5 人"
    assert api.get("/api/workshops", {"status": "running"}).json()["count"] == 1
    criteria = api.get("/api/workshop-criteria").json()
    assert {s["purpose"] for s in criteria} == {"certify", "monitor", "upgrade"}


def test_the_api_hides_other_counties_workshops_and_refuses_moves_without_permission(world):
    workshop = make_workshop(world.alice, VILLAGE, "车间")
    assert _api(world.bob).get(f"/api/workshops/{workshop.pk}").status_code == 404
    response = _api(world.tom).post(f"/api/workshops/{workshop.pk}/transitions", {"action": "review"},
                                    content_type="application/json")
    assert response.status_code == 403


def test_the_export_holds_the_filtered_list(world):
    _certified(world, "甲车间")
    make_workshop(world.alice, VILLAGE, "乙车间")
    response = _pages(world.alice).get(reverse("export", args=["workshops"]), {"status": "running"})
    assert response.status_code == 200
    from io import BytesIO

    from python_calamine import CalamineWorkbook

    cells = [str(c) for row in CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_index(0)
             .to_python() for c in row]
    assert "甲车间" in cells and "乙车间" not in cells


def test_a_returned_application_is_corrected_and_resubmitted(world):
    workshop = make_workshop(world.alice, VILLAGE, "退回车间")
    lifecycle.do_return(world.alice, workshop, "请补充主要产品")
    client = _pages(world.alice)
    form = client.get(reverse("workshop_move", args=[workshop.pk, "resubmit"])).content.decode()
    assert "退回车间" in form and 'name="products"' in form
    response = client.post(reverse("workshop_move", args=[workshop.pk, "resubmit"]), {
        "name": "退回车间", "kind": "factory", "site": "poor_village", "products": "竹编", "comment": "已补充"})
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.status, workshop.products) == ("applied", "竹编")
    assert workshop.events.last().details == {"fields": ["products"]}


def test_an_operator_applies_over_the_api_for_its_own_employer_only(world):
    own = make_employer(world.alice, VILLAGE, "自家公司")
    other = make_employer(world.alice, VILLAGE, "别家公司")
    EmployerOperator.objects.create(user=world.ed, employer=own)
    api = _api(world.ed)
    body = {"name": "接口车间", "kind": "home", "site": "community"}
    response = api.post("/api/workshops", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["employer_id"] == own.pk
    response = api.post("/api/workshops", {**body, "employer_id": other.pk}, content_type="application/json")
    assert response.status_code == 422 and "经营主体不存在" in response.content.decode()
    workshop_id = Workshop.objects.get(employer=own).pk
    response = api.post(f"/api/workshops/{workshop_id}/transitions", {"action": "review"},
                        content_type="application/json")
    assert response.status_code == 403
