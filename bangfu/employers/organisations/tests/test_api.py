"""The employers API: list and filters, detail with ETag, create with Idempotency-Key, update with
If-Match, the quota of a year."""

import json

import pytest
from django.test import Client

from bangfu.accounts.models import ApiToken
from bangfu.employers.models import Employer
from bangfu.employers.organisations.tests.helpers import bind, make_rule
from bangfu.employers.testing import credit_code, make_employer

VILLAGE = "522633101001"


def _api(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'test')[1]}")


def _json(client, method, url, body, **headers):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def firms(world):
    return {
        "ours": make_employer(world.alice, VILLAGE, "大塘绣娘服饰有限公司", industry="18"),
        "coop": make_employer(world.alice, "522633102001", "干团茶叶专业合作社", kind="cooperative",
                              active=False),
        "bobs": make_employer(world.bob, "522631101001", "高屯木业有限公司"),
    }


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_the_list_holds_the_region_and_filters_like_the_page(world, firms):
    api = _api(world.alice)
    assert _names(api.get("/api/employers")) == ["大塘绣娘服饰有限公司", "干团茶叶专业合作社"]
    assert _names(api.get("/api/employers?kind=cooperative")) == ["干团茶叶专业合作社"]
    assert _names(api.get("/api/employers?section=C")) == ["大塘绣娘服饰有限公司"]
    assert _names(api.get("/api/employers?active=0")) == ["干团茶叶专业合作社"]
    assert _names(api.get("/api/employers?region=522633101")) == ["大塘绣娘服饰有限公司"]
    assert _names(api.get("/api/employers?q=茶叶")) == ["干团茶叶专业合作社"]
    assert _names(api.get("/api/employers?sort=-name")) == ["干团茶叶专业合作社", "大塘绣娘服饰有限公司"]
    assert api.get("/api/employers?kind=bank").status_code == 400
    assert _names(_api(world.bob).get("/api/employers")) == ["高屯木业有限公司"]


def test_the_detail_carries_the_industry_and_an_etag(world, firms):
    response = _api(world.alice).get(f"/api/employers/{firms['ours'].pk}")
    assert response.status_code == 200 and response["ETag"] == '"1"'
    body = response.json()
    assert (body["industry_code"], body["industry_name"], body["kind_label"]) == ("18", "纺织服装、服饰业", "企业")
    assert _api(world.bob).get(f"/api/employers/{firms['ours'].pk}").status_code == 404


def test_an_operator_reads_only_its_own(world, firms):
    bind(world.ed, firms["ours"], world.alice)
    api = _api(world.ed)
    assert _names(api.get("/api/employers")) == ["大塘绣娘服饰有限公司"]
    assert api.get(f"/api/employers/{firms['coop'].pk}").status_code == 404


def test_create_is_idempotent_with_the_same_key(world):
    api = _api(world.alice)
    body = {"name": "新公司", "credit_code": credit_code(), "region_code": VILLAGE, "staff_count": 10}
    first = _json(api, "post", "/api/employers", body, HTTP_IDEMPOTENCY_KEY="employer-0001")
    again = _json(api, "post", "/api/employers", body, HTTP_IDEMPOTENCY_KEY="employer-0001")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["kind"] == "enterprise"  # read from the credit code
    assert Employer.objects.count() == 1


def test_create_names_each_bad_field(world):
    response = _json(_api(world.alice), "post", "/api/employers", {
        "name": "新公司", "credit_code": "91522633MA000001X0", "region_code": "522633000000", "industry": "99"})
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["detail"]}
    assert fields == {"credit_code", "region_code", "industry"}  # no word on the kind a bad code hides


def test_an_update_on_a_stale_version_answers_412_with_what_changed(world, firms):
    api = _api(world.alice)
    url = f"/api/employers/{firms['ours'].pk}"
    etag = api.get(url)["ETag"]
    ok = _json(api, "patch", url, {"staff_count": 50}, HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["staff_count"] == 50
    stale = _json(api, "patch", url, {"staff_count": 60}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["version"] == 2 and stale.json()["changes"][0]["label"] == "在职职工人数"
    assert Employer.objects.get(pk=firms["ours"].pk).staff_count == 50
    assert _json(api, "patch", url, {"staff_count": 60}, HTTP_IF_MATCH="nonsense").status_code == 412


def test_the_auditor_and_other_counties_may_not_update(world, firms):
    url = f"/api/employers/{firms['ours'].pk}"
    assert _json(_api(world.audrey), "patch", url, {"staff_count": 1}).status_code == 403
    assert _json(_api(world.bob), "patch", url, {"staff_count": 1}).status_code == 404


def test_the_quota_of_a_year_is_explained(world, firms):
    make_rule(world.admin, region_prefix="522633", year=2024)
    api = _api(world.alice)
    body = api.get(f"/api/employers/{firms['ours'].pk}/quota?year=2024").json()
    assert body["computed"] and body["declared_disabled"] == 0 and body["disabled_in_ledger"] == 0
    assert body["levy"] == "54000.00"  # 40 × 1.5% = 0.6 short × the local 100,000 (no wage given) × 90%
    assert [step["title"] for step in body["steps"]][0] == "适用参数"
    none = api.get(f"/api/employers/{firms['ours'].pk}/quota?year=2023").json()
    assert not none["computed"] and none["levy"] is None and "未找到 2023 年" in none["conclusion"]
    assert api.get(f"/api/employers/{firms['ours'].pk}/quota?year=1999").status_code == 400


def test_the_history_lists_changes(world, firms):
    api = _api(world.alice)
    _json(api, "patch", f"/api/employers/{firms['ours'].pk}", {"name": "改名公司"})
    history = api.get(f"/api/employers/{firms['ours'].pk}/history").json()
    assert history[0]["changes"][0]["new"] == "改名公司"
