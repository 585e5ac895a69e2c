"""The API does what the pages do, through the same actions: edits with If-Match, ending a site's
place, 退社, 卸任, editing a dispatch, listing and awarding appraisals, history."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from bangfu.accounts.models import ApiToken
from bangfu.employers.groups import actions
from bangfu.employers.groups.tests.conftest import dispatch_data
from bangfu.employers.testing import make_employer, make_site
from bangfu.registry.testing import make_disabled_person

VILLAGE = "522633101001"
D = datetime.date


class Api:
    def __init__(self, user):
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'test')[1]}")

    def get(self, path, **headers):
        return self.client.get(f"/api/groups{path}", **headers)

    def send(self, method, path, body, **headers):
        return getattr(self.client, method)(f"/api/groups{path}", json.dumps(body), content_type="application/json",
                                            **headers)


@pytest.fixture
def api(world):
    return Api(world.alice)


def test_it_edits_a_site_with_if_match_and_picks_an_employer_by_id(world, api):
    site = make_site(world.alice, VILLAGE, "基地")
    employer = make_employer(world.alice, VILLAGE, "运营公司")
    assert api.get(f"/sites/{site.pk}")["ETag"] == '"1"'
    patched = api.send("patch", f"/sites/{site.pk}", {"employer_id": employer.pk, "level": "city"},
                       HTTP_IF_MATCH='"1"')
    assert patched.status_code == 200, patched.content
    assert (patched.json()["employer_id"], patched.json()["level"], patched["ETag"]) == (employer.pk, "city", '"2"')
    stale = api.send("patch", f"/sites/{site.pk}", {"name": "新名"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["version"] == 2
    outsider = make_employer(world.bob, "522631101001", "黎平公司")
    refused = api.send("patch", f"/sites/{site.pk}", {"employer_id": outsider.pk})
    assert refused.status_code == 422 and "不在您的查看范围内" in refused.content.decode()
    cleared = api.send("patch", f"/sites/{site.pk}", {"employer_id": None})
    assert cleared.json()["employer_id"] is None
    history = api.get(f"/sites/{site.pk}/history").json()
    assert history[0]["changes"][0]["label"] == "运营单位"
    assert Api(world.bob).send("patch", f"/sites/{site.pk}", {"name": "x"}).status_code == 404
    assert Api(world.audrey).send("patch", f"/sites/{site.pk}", {"name": "x"}).status_code == 403


def test_it_edits_a_cooperative_with_if_match(world, api, coop):
    patched = api.send("patch", f"/cooperatives/{coop.pk}", {"chair": "吴理事长"}, HTTP_IF_MATCH='"1"')
    assert patched.status_code == 200 and patched.json()["chair"] == "吴理事长"
    assert api.send("patch", f"/cooperatives/{coop.pk}", {"chair": "x"}, HTTP_IF_MATCH='"1"').status_code == 412
    assert api.get(f"/cooperatives/{coop.pk}/history").json()[0]["changes"][0]["new"] == "吴理事长"


def test_it_ends_a_place_at_a_site(world, api):
    site = make_site(world.alice, VILLAGE, "基地")
    member = actions.do_add_site_member(world.alice, site, make_disabled_person(world.alice, VILLAGE, "盲人甲"),
                                        {"relation": "employed", "start_date": D(2025, 1, 1)})
    early = api.send("post", f"/sites/members/{member.pk}/end", {"end_date": "2024-12-31"})
    assert early.status_code == 422 and "不能早于开始日期" in early.content.decode()
    ended = api.send("post", f"/sites/members/{member.pk}/end", {"end_date": "2025-06-30"})
    assert ended.status_code == 200 and ended.json()["end_date"] == "2025-06-30"
    again = api.send("post", f"/sites/members/{member.pk}/end", {"end_date": "2025-07-01"})
    assert again.status_code == 422 and "已于 2025-06-30 结束" in again.content.decode()
    assert Api(world.bob).send("post", f"/sites/members/{member.pk}/end", {"end_date": "2025-07-01"}
                               ).status_code == 404
    assert Api(world.ed).send("post", f"/sites/members/{member.pk}/end", {"end_date": "2025-07-01"}
                              ).status_code == 403


def test_a_leader_steps_down_before_leaving_the_cooperative(world, api, coop):
    refused = api.send("post", f"/cooperatives/members/{coop.first.pk}/end", {"left_on": "2025-01-31"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "left_on" and "仍任劳务队长" in refused.content.decode()
    ended = api.send("post", f"/cooperatives/leaders/{coop.leader.pk}/end", {"end_date": "2025-01-31"})
    assert ended.status_code == 200 and ended.json()["end_date"] == "2025-01-31"
    assert ended.json()["name"] == "吴老大"
    left = api.send("post", f"/cooperatives/members/{coop.first.pk}/end", {"left_on": "2025-01-31"})
    assert left.status_code == 200 and left.json()["left_on"] == "2025-01-31"
    coop.first.refresh_from_db()
    assert coop.first.left_on == D(2025, 1, 31)
    assert Api(world.bob).send("post", f"/cooperatives/leaders/{coop.leader.pk}/end",
                               {"end_date": "2025-02-01"}).status_code == 404


def test_it_edits_a_dispatch_with_if_match(world, api, coop):
    dispatch = actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    assert api.get(f"/dispatches/{dispatch.pk}")["ETag"] == '"1"'
    patched = api.send("patch", f"/dispatches/{dispatch.pk}", {"planned_months": 5, "member_ids": [coop.second.pk]},
                       HTTP_IF_MATCH='"1"')
    assert patched.status_code == 200, patched.content
    assert (patched.json()["until"], patched.json()["member_ids"], patched["ETag"]) == (
        "2025-07-31", [coop.second.pk], '"2"')
    stale = api.send("patch", f"/dispatches/{dispatch.pk}", {"note": "x"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert {c["field"] for c in stale.json()["changes"]} >= {"planned_months"}
    bad_leader = api.send("patch", f"/dispatches/{dispatch.pk}", {"leader_id": 10**9})
    assert bad_leader.status_code == 422 and "不是“大塘劳务合作社”的劳务队长" in bad_leader.content.decode()
    assert api.get(f"/dispatches/{dispatch.pk}/history").json()[0]["kind"] == "修改"
    assert Api(world.ed).send("patch", f"/dispatches/{dispatch.pk}", {"note": "x"}).status_code == 403


def test_it_lists_and_awards_an_appraisal(world, api, coop):
    actions.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    computed = api.send("post", "/appraisals", {"region_code": "522633", "year": 2025, "half": 1})
    assert computed.status_code == 201
    appraisal = computed.json()
    listed = api.get("/appraisals?year=2025").json()
    assert [a["id"] for a in listed["items"]] == [appraisal["id"]]
    assert api.get("/appraisals?year=2024").json()["count"] == 0
    coops = [e["id"] for e in appraisal["entries"] if e["subject"] == "cooperative"]
    leaders = [e["id"] for e in appraisal["entries"] if e["subject"] == "leader"]
    wrong = api.send("post", f"/appraisals/{appraisal['id']}/award", {"cooperatives": leaders})
    assert wrong.status_code == 422 and "不在2025年上半年的统计结果中" in wrong.content.decode()
    awarded = api.send("post", f"/appraisals/{appraisal['id']}/award", {
        "cooperatives": coops, "leaders": leaders, "cooperative_award": 5000, "leader_award": 1000},
        HTTP_IF_MATCH='"1"')
    assert awarded.status_code == 200, awarded.content
    body = awarded.json()
    assert body["awarded_at"] and awarded["ETag"] == '"2"'
    assert {(e["subject"], e["awarded"], e["award"]) for e in body["entries"]} == {
        ("cooperative", True, 5000), ("leader", True, 1000)}
    stale = api.send("post", f"/appraisals/{appraisal['id']}/award", {"cooperatives": []}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    again = api.send("post", "/appraisals", {"region_code": "522633", "year": 2025, "half": 1})
    assert again.status_code == 422 and "已评定" in again.content.decode()
    assert Api(world.audrey).send("post", f"/appraisals/{appraisal['id']}/award", {}).status_code == 403
    assert Api(world.bob).get(f"/appraisals/{appraisal['id']}").status_code == 404
    assert Api(world.bob).get("/appraisals").json()["count"] == 0


def test_digits_of_other_scripts_are_names_not_ids(world, api, coop):
    # "²" is a digit to str.isdigit() but no number to int(): an unknown programme, not a server error.
    refused = api.send("post", "/sites", {"name": "基地", "kind": "training_base", "level": "city",
                                          "region_code": VILLAGE, "programmes": ["²"]})
    assert refused.status_code == 422 and "项目“²”不存在" in refused.content.decode()
    appraisal = actions.do_compute_appraisal(world.alice, {"region_code": "522633", "year": 2025, "half": 1})
    with pytest.raises(ValidationError, match="不在2025年上半年的统计结果中"):
        actions.do_award_appraisal(world.alice, appraisal, {"cooperatives": ["١"]})
