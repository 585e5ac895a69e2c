import datetime
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bangfu.accounts.models import ApiToken
from bangfu.employers.groups import actions
from bangfu.employers.groups.tests.conftest import dispatch_data
from bangfu.employers.organisations.actions import do_bind_operator
from bangfu.employers.testing import make_employer, make_site
from bangfu.registry.testing import make_disabled_person, make_person

VILLAGE = "522633101001"
D = datetime.date


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'test')[1]}")


def _rows(response) -> list[list]:
    """The data rows under the header row (the sheet starts with a title)."""
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    header = next(i for i, row in enumerate(rows) if len([c for c in row if c != ""]) > 3)
    return rows[header:]


@pytest.mark.parametrize("name", ["admin", "alice", "dora", "tom", "audrey", "ed"])
def test_it_renders_every_page_for_each_role_that_reads(world, coop, name):
    site = make_site(world.alice, VILLAGE, "示范店")
    actions.do_add_site_member(world.alice, site, make_disabled_person(world.alice, VILLAGE, "盲人甲"),
                               {"relation": "employed", "start_date": D(2025, 1, 1)})
    dispatch = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    appraisal = actions.do_compute_appraisal(world.alice, {"region_code": "522633", "year": 2025, "half": 1})
    client = _client(getattr(world, name))
    for url in (reverse("site_list"), reverse("cooperative_list"), reverse("appraisal_list"),
                reverse("programme_list")):
        assert client.get(url).status_code == 200
    expect = 404 if name in ("ed", "tom") else 200
    assert client.get(reverse("appraisal_detail", args=[appraisal.pk])).status_code == expect
    expect = 404 if name == "ed" else 200
    for url in (reverse("site_detail", args=[site.pk]), reverse("cooperative_detail", args=[coop.pk]),
                reverse("dispatch_detail", args=[dispatch.pk])):
        assert client.get(url).status_code == expect


def test_it_refuses_the_surveyor_and_hides_write_buttons_from_the_auditor(world, coop):
    assert _client(world.sam).get(reverse("site_list")).status_code == 403
    page = _client(world.audrey).get(reverse("cooperative_detail", args=[coop.pk])).content.decode()
    assert reverse("dispatch_create", args=[coop.pk]) not in page
    assert _client(world.audrey).get(reverse("dispatch_create", args=[coop.pk])).status_code == 403


def test_it_shows_an_operator_the_sites_of_its_employer_read_only_with_names_masked(world):
    employer = make_employer(world.alice, VILLAGE, "绣娘公司")
    do_bind_operator(world.alice, employer, world.ed)
    site = make_site(world.alice, VILLAGE, "绣娘基地", employer=employer.pk)
    make_site(world.alice, VILLAGE, "别人的基地")
    actions.do_add_site_member(world.alice, site, make_disabled_person(world.alice, VILLAGE, "杨绣花"),
                               {"relation": "employed", "start_date": D(2025, 1, 1)})
    client = _client(world.ed)
    listing = client.get(reverse("site_list")).content.decode()
    assert "绣娘基地" in listing and "别人的基地" not in listing
    page = client.get(reverse("site_detail", args=[site.pk])).content.decode()
    assert "杨**" in page and "杨绣花" not in page
    assert client.get(reverse("site_edit", args=[site.pk])).status_code == 403
    assert client.post(reverse("site_member_add", args=[site.pk])).status_code == 403


def test_it_shows_the_rules_messages_on_the_site_form(world):
    response = _client(world.alice).post(reverse("site_create"), {"name": "", "kind": "", "level": "county",
                                                                  "region_code": VILLAGE, "named_on": "2020-02-30"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写名称" in page and "请选择基地类型" in page and "不是有效日期" in page


def test_it_adds_a_person_from_the_ledger_search_and_refuses_one_not_disabled(world):
    site = make_site(world.alice, VILLAGE, "基地")
    client = _client(world.alice)
    disabled = make_disabled_person(world.alice, VILLAGE, "龙残疾")
    able = make_person(world.alice, VILLAGE, "龙健全")
    found = client.get(reverse("site_member_add", args=[site.pk]) + "?q=龙").content.decode()
    assert "龙残疾" in found and "龙健全" in found
    url = reverse("site_member_add", args=[site.pk])
    refused = client.post(url, {"person": able.pk, "relation": "employed", "start_date": "2025-01-01"})
    assert "未登记残疾类别" in refused.content.decode()
    added = client.post(url, {"person": disabled.pk, "relation": "employed", "start_date": "2025-01-01"})
    assert added.status_code == 302
    assert site.members.get().person == disabled


def test_it_records_a_dispatch_and_an_appraisal_through_the_pages(world, coop):
    client = _client(world.alice)
    response = client.post(reverse("dispatch_create", args=[coop.pk]), {
        "leader": coop.leader.pk, "destination": "partner_city", "city": "杭州市萧山区", "start_date": "2025-03-01",
        "planned_months": "4", "people": [coop.first.pk, coop.second.pk]})
    assert response.status_code == 302
    refused = client.post(reverse("dispatch_create", args=[coop.pk]), {
        "destination": "partner_city", "city": "宁波", "start_date": "2025-04-01", "end_date": "2025-04-30",
        "people": [coop.second.pk]})
    assert "时间重叠" in refused.content.decode()
    response = client.post(reverse("appraisal_list"), {"region_code": "522633", "year": "2025", "half": "1"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "大塘劳务合作社" in page and "吴老大" in page


def test_it_exports_sites_members_dispatches_and_results_read_back(world, coop):
    site = make_site(world.alice, VILLAGE, "导出基地", named_on=D(2024, 5, 1))
    actions.do_add_site_member(world.alice, site, make_disabled_person(world.alice, VILLAGE, "导出人"),
                               {"relation": "trained", "start_date": D(2025, 1, 1)})
    actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    appraisal = actions.do_compute_appraisal(world.alice, {"region_code": "522633", "year": 2025, "half": 1})
    client = _client(world.alice)
    sites = _rows(client.get(reverse("export", args=["sites"])))
    assert "导出基地" in sites[1] and "2024-05-01" in sites[1] and "县级" in sites[1]
    members = _rows(client.get(reverse("export", args=["site_members"])))
    assert "导出人" in members[1] and "培训" in members[1]
    dispatches = _rows(client.get(reverse("export", args=["dispatches"])))
    assert "杭州市萧山区" in dispatches[1] and "吴老大、石阿妹" in dispatches[1]
    results = _rows(client.get(reverse("export", args=["appraisal_results"]) + f"?appraisal={appraisal.pk}"))
    assert results[1][:4] == ["2025年上半年", "522633", "劳务合作社", 1]


def test_it_serves_the_api_reads_and_writes(world, coop):
    api = _api(world.alice)
    created = api.post(reverse("api:site_list"), json.dumps(
        {"name": "API基地", "kind": "training_base", "level": "city", "region_code": VILLAGE}),
        content_type="application/json")
    assert created.status_code == 201, created.content
    site_id = created.json()["id"]
    person = make_person(world.alice, VILLAGE, "非残疾")
    refused = api.post(f"/api/groups/sites/{site_id}/members", json.dumps(
        {"person_id": person.pk, "relation": "trained", "start_date": "2025-01-01"}), content_type="application/json")
    assert refused.status_code == 422
    assert api.get(reverse("api:site", args=[site_id])).json()["name"] == "API基地"
    dispatch = api.post(f"/api/groups/cooperatives/{coop.pk}/dispatches", json.dumps(
        {"leader_id": coop.leader.pk, "destination": "partner_city", "city": "杭州", "start_date": "2025-03-01",
         "planned_months": 2, "member_ids": [coop.first.pk]}), content_type="application/json")
    assert dispatch.status_code == 201, dispatch.content
    assert dispatch.json()["until"] == "2025-04-30"
    detail = api.get(reverse("api:cooperative", args=[coop.pk])).json()
    assert {m["name"] for m in detail["members"]} == {"吴老大", "石阿妹"}
    body = json.dumps({"name": "审计", "kind": "training_base", "level": "city", "region_code": VILLAGE})
    assert _api(world.audrey).post(reverse("api:site_list"), body, content_type="application/json").status_code == 403
    assert _api(world.bob).get(reverse("api:cooperative", args=[coop.pk])).status_code == 404


def test_it_lets_an_operator_export_its_sites_but_not_their_people(world):
    employer = make_employer(world.alice, VILLAGE, "绣娘公司")
    do_bind_operator(world.alice, employer, world.ed)
    site = make_site(world.alice, VILLAGE, "绣娘基地", employer=employer.pk)
    actions.do_add_site_member(world.alice, site, make_disabled_person(world.alice, VILLAGE, "杨绣花"),
                               {"relation": "employed", "start_date": D(2025, 1, 1)})
    client = _client(world.ed)
    assert "绣娘基地" in [c for row in _rows(client.get(reverse("export", args=["sites"]))) for c in row]
    assert client.get(reverse("export", args=["site_members"])).status_code == 403


def test_it_shows_an_operator_its_cooperative_with_members_and_leaders_masked(world, coop):
    employer = make_employer(world.alice, VILLAGE, "大塘劳务公司")
    do_bind_operator(world.alice, employer, world.ed)
    actions.do_update_cooperative(world.alice, coop, {"employer": employer.pk})
    actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    client = _client(world.ed)
    page = client.get(reverse("cooperative_detail", args=[coop.pk])).content.decode()
    assert "大塘劳务合作社" in page and "杭州市萧山区" in page
    assert "吴老大" not in page and "吴**" in page and "石**" in page
    assert reverse("dispatch_create", args=[coop.pk]) not in page
    dispatch = coop.dispatches.get()
    detail = client.get(reverse("dispatch_detail", args=[dispatch.pk])).content.decode()
    assert "吴老大" not in detail and "石阿妹" not in detail
    api = _api(world.ed).get(reverse("api:cooperative", args=[coop.pk])).json()
    assert {m["name"] for m in api["members"]} == {"吴**", "石**"}


def test_a_cooperatives_members_are_paged_and_every_current_one_may_lead(world, coop):
    for n in range(20):
        actions.do_add_coop_member(world.alice, coop, make_person(world.alice, VILLAGE, f"社员{n:02d}"),
                                   {"joined_on": D(2025, 1, 1)})
    actions.do_end_coop_member(world.alice, coop.second, {"left_on": D(2025, 6, 1)})
    client = _client(world.alice)
    url = reverse("cooperative_detail", args=[coop.pk])

    def table(page: str) -> str:  # the members' table and its pager
        return page.split("<h2>成员")[1].split("<h2>")[0]

    first = client.get(url, {"size": 20}).content.decode()
    assert "社员17" in table(first) and "社员18" not in table(first) and 'rel="next"' in table(first)
    second = client.get(url, {"size": 20, "page": 2}).content.decode()
    assert "社员18" in table(second) and "社员19" in table(second) and "社员00" not in table(second)
    # the leader form, on every page, offers each current member and not the one who left
    leader_options = second.split('name="member"')[1].split("</select>")[0]
    assert "社员00" in leader_options and "吴老大" in leader_options and "石阿妹" not in leader_options
