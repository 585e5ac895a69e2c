"""Site rent relief rules kept as data: their rules, who keeps them (MANAGE_POLICY, within their
region), the version guard, history and audit, the pages and the API, the link from a schedule."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from bangfu.accounts.models import ApiToken, Role
from bangfu.audit.models import Action, AuditEntry
from bangfu.core import permissions
from bangfu.core.permissions import Forbidden
from bangfu.core.writes import StaleEdit
from bangfu.employers.models import RentRule
from bangfu.employers.permissions import Perm
from bangfu.employers.testing import make_workshop
from bangfu.employers.workshops import rent
from bangfu.employers.workshops.rules import clean_rent_rule
from bangfu.employers.workshops.tests.helpers import VILLAGE

D = datetime.date
RULE = {"region_prefix": "522633", "name": "三免两减半", "effective_from": D(2020, 1, 1),
        "shares": [0, 0, 0, 0.5, 0.5], "note": "县政府〔2020〕1号"}


def _errors(**fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        clean_rent_rule({**RULE, **fields})
    return caught.value.message_dict


@pytest.fixture
def county_keeper(world, monkeypatch):
    """alice, given MANAGE_POLICY for the test: a keeper of her county's policy."""
    grants = {role: set(perms) for role, perms in permissions._GRANTS.items()}
    grants[str(Role.HRSS_OFFICER)].add(Perm.MANAGE_POLICY)
    monkeypatch.setattr(permissions, "_GRANTS", grants)
    return world.alice


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"shares": [0, 1.5]}, "shares", "第 2 年的应缴比例 150% 应在 0% 到 100% 之间"),
    ({"shares": [0, -0.1]}, "shares", "第 2 年的应缴比例 -10% 应在 0% 到 100% 之间"),
    ({"shares": [0, "半"]}, "shares", "第 2 年的应缴比例“半”不是数字"),
    ({"shares": [True]}, "shares", "第 1 年的应缴比例“True”不是数字"),
    ({"shares": [0.33333]}, "shares", "最多保留两位小数"),
    ({"shares": []}, "shares", "请填写各年应缴比例"),
    ({"shares": [0] * 31}, "shares", "最多 30 年，填写了 31 年"),
    ({"shares": [1, 1]}, "shares", "没有减免"),
    ({"shares": "0、0，0 0.5,0.5"}, None, None),
    ({"shares": [0] * 30}, None, None),
    ({"shares": [1, 0.9999]}, None, None),
    ({"region_prefix": "52263"}, "region_prefix", "2、4、6、9 或 12 位"),
    ({"region_prefix": "53"}, "region_prefix", "区划 53 不存在"),
    ({"region_prefix": ""}, None, None),
    ({"name": ""}, "name", "请填写名称"),
    ({"effective_from": None}, "effective_from", "请填写施行日期"),
    ({"effective_from": "2020-02-30"}, "effective_from", "施行日期“2020-02-30”不是有效日期"),
    ({"effective_to": D(2019, 12, 31)}, "effective_to", "失效日期（2019-12-31）不能早于施行日期（2020-01-01）"),
    ({"effective_to": D(2020, 1, 1)}, None, None),
    ({"note": "x" * 2001}, "note", "2000"),
])
def test_it_names_the_field_and_what_is_wrong(world, fields, field, message):
    if field is None:
        clean_rent_rule({**RULE, **fields})
        return
    errors = _errors(**fields)
    assert field in errors, errors
    assert message in errors[field][0], errors[field]


def test_two_rules_of_one_region_may_not_be_in_force_on_one_day(world):
    first = rent.do_create_rent_rule(world.admin, {**RULE, "effective_to": D(2022, 12, 31)})
    assert "与同一区划的“三免两减半”（2020-01-01 至 2022-12-31）施行期间重叠" in _errors(
        effective_from=D(2022, 12, 31))["effective_from"][0]
    assert "施行期间重叠" in _errors(effective_from=D(2019, 1, 1), effective_to=D(2020, 1, 1))["effective_from"][0]
    rent.do_create_rent_rule(world.admin, {**RULE, "name": "新规则", "effective_from": D(2023, 1, 1)})
    clean_rent_rule({**RULE, "region_prefix": "52"})  # another region: both may be in force
    clean_rent_rule({"effective_to": D(2022, 6, 30)}, first)  # itself is no overlap
    # An open rule blocks any later one until it is given an end.
    assert "今后" in _errors(name="又一个", effective_from=D(2030, 1, 1))["effective_from"][0]


def test_it_creates_and_changes_a_rule_with_history_audit_and_a_version(world):
    rule = rent.do_create_rent_rule(world.admin, RULE)
    assert (rule.version, rule.shares) == (1, [0.0, 0.0, 0.0, 0.5, 0.5])
    assert rent.do_update_rent_rule(world.admin, rule, {"shares": [0, 0, 0.5]}, version=1) == ["shares"]
    rule.refresh_from_db()
    assert (rule.version, rule.shares) == (2, [0.0, 0.0, 0.5])
    with pytest.raises(StaleEdit, match="各年应缴比例"):
        rent.do_update_rent_rule(world.admin, rule, {"name": "两免一减半"}, version=1)
    assert rent.do_update_rent_rule(world.admin, rule, {"name": "三免两减半"}, version=2) == []
    assert [h.history_change_reason for h in rule.history.all()] == ["修改", "新增"]
    assert all(h.history_user == world.admin for h in rule.history.all())
    actions = list(AuditEntry.objects.filter(object_type="employers.rentrule").values_list("action", flat=True))
    assert sorted(actions) == sorted([Action.CREATE, Action.UPDATE])


def test_only_keepers_of_policy_keep_rules_and_only_within_their_region(world, county_keeper):
    with pytest.raises(Forbidden):
        rent.do_create_rent_rule(world.tom, RULE)
    # alice (for this test a keeper of 从江县's policy) keeps her county's rules, not the province's.
    mine = rent.do_create_rent_rule(county_keeper, RULE)
    with pytest.raises(Forbidden):
        rent.do_create_rent_rule(county_keeper, {**RULE, "region_prefix": "52"})
    with pytest.raises(Forbidden):
        rent.do_create_rent_rule(county_keeper, {**RULE, "region_prefix": ""})
    province = rent.do_create_rent_rule(world.admin, {**RULE, "region_prefix": "52"})
    elsewhere = rent.do_create_rent_rule(world.admin, {**RULE, "region_prefix": "522631"})
    assert set(rent.rent_rules_for_user(county_keeper)) == {mine, province}  # the one above applies too
    with pytest.raises(Forbidden):
        rent.do_update_rent_rule(county_keeper, province, {"name": "改省规则"})
    with pytest.raises(Forbidden):  # nor move her own rule out of her county
        rent.do_update_rent_rule(county_keeper, mine, {"region_prefix": "522631101"})
    assert elsewhere not in rent.rent_rules_for_user(county_keeper)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_list_create_edit_and_show_history(world):
    admin = _client(world.admin)
    form = {"region_prefix": "522633", "name": "三免两减半", "effective_from": "2020-01-01", "effective_to": "",
            "shares": "0、0、0、50、50", "note": "县政府〔2020〕1号"}
    assert admin.post("/rent-rules/new/", form).status_code == 302
    rule = RentRule.objects.get()
    assert rule.shares == [0.0, 0.0, 0.0, 0.5, 0.5]
    listing = admin.get("/rent-rules/").content.decode()
    assert "0%、0%、0%、50%、50%" in listing and "县政府〔2020〕1号" in listing
    edit = admin.get(f"/rent-rules/{rule.pk}/edit/").content.decode()
    assert 'value="0、0、0、50、50"' in edit and 'name="version" value="1"' in edit
    assert admin.post(f"/rent-rules/{rule.pk}/edit/", {**form, "shares": "0, 0, 50", "version": "1"}
                      ).status_code == 302
    stale = admin.post(f"/rent-rules/{rule.pk}/edit/", {**form, "name": "别的名称", "version": "1"})
    assert "该记录已被他人修改" in stale.content.decode()
    history = admin.get(f"/rent-rules/{rule.pk}/history/").content.decode()
    assert "各年应缴比例" in history and "修改" in history
    assert "/rent-rules/" in admin.get("/workshop-criteria/").content.decode()


def test_the_form_says_what_is_wrong_in_percent_and_saves_nothing(world):
    response = _client(world.admin).post("/rent-rules/new/", {
        "region_prefix": "522633", "name": "", "effective_from": "2020-13-01", "shares": "0、150、五十"})
    page = response.content.decode()
    assert response.status_code == 200 and not RentRule.objects.exists()
    assert "请填写名称" in page and "不是有效日期" in page
    assert "第 2 年的应缴比例 150% 应在 0% 到 100% 之间" in page and "第 3 年的应缴比例“五十”不是数字" in page


@pytest.mark.parametrize("username", ["alice", "dora", "tom", "sam", "audrey", "ed"])
def test_other_roles_may_not_open_the_rule_pages(world, username):
    rule = rent.do_create_rent_rule(world.admin, RULE)
    client = _client(getattr(world, username))
    for url in ("/rent-rules/", "/rent-rules/new/", f"/rent-rules/{rule.pk}/edit/", f"/rent-rules/{rule.pk}/history/"):
        assert client.get(url).status_code == 403


def test_a_keeper_reads_a_rule_above_his_region_but_may_not_edit_it(world, county_keeper):
    province = rent.do_create_rent_rule(world.admin, {**RULE, "region_prefix": "52"})
    elsewhere = rent.do_create_rent_rule(world.admin, {**RULE, "region_prefix": "522631"})
    client = _client(county_keeper)
    listing = client.get("/rent-rules/").content.decode()
    assert f"/rent-rules/{province.pk}/history/" in listing and f"/rent-rules/{province.pk}/edit/" not in listing
    assert client.get(f"/rent-rules/{province.pk}/edit/").status_code == 403
    assert client.get(f"/rent-rules/{elsewhere.pk}/history/").status_code == 404


def test_a_workshops_schedule_links_its_rule_for_the_keepers(world):
    rule = rent.do_create_rent_rule(world.admin, RULE)
    workshop = make_workshop(world.alice, VILLAGE, "车间", start_date=D(2023, 3, 1), site_rent=12000)
    page = _client(world.admin).get(f"/workshops/{workshop.pk}/").content.decode()
    assert f"/rent-rules/{rule.pk}/history/" in page and "/rent-rules/" in page
    officer = _client(world.alice).get(f"/workshops/{workshop.pk}/").content.decode()
    assert "三免两减半" in officer and "/rent-rules/" not in officer


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'test')[1]}")


def test_the_api_lists_creates_and_edits_rules_with_if_match(world):
    api = _api(world.admin)
    body = {"region_prefix": "522633", "name": "三免两减半", "effective_from": "2020-01-01",
            "shares": [0, 0, 0, 0.5, 0.5]}
    created = api.post("/api/rent-rules", json.dumps(body), content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY="rent-rule-0001")
    assert created.status_code == 201, created.content
    again = api.post("/api/rent-rules", json.dumps(body), content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY="rent-rule-0001")
    assert again.json()["id"] == created.json()["id"] and RentRule.objects.count() == 1
    rule_id = created.json()["id"]
    assert api.get(f"/api/rent-rules/{rule_id}")["ETag"] == '"1"'
    patched = api.patch(f"/api/rent-rules/{rule_id}", json.dumps({"shares": [0, 0.5]}),
                        content_type="application/json", HTTP_IF_MATCH='"1"')
    assert patched.status_code == 200 and patched.json()["shares"] == [0, 0.5] and patched["ETag"] == '"2"'
    stale = api.patch(f"/api/rent-rules/{rule_id}", json.dumps({"name": "x"}), content_type="application/json",
                      HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["changes"][0]["field"] == "shares"
    overlap = api.post("/api/rent-rules", json.dumps({**body, "effective_from": "2024-01-01"}),
                       content_type="application/json")
    assert overlap.status_code == 422 and "施行期间重叠" in overlap.content.decode()
    assert api.post("/api/rent-rules", json.dumps({**body, "shares": [1.5]}),
                    content_type="application/json").status_code == 422
    assert api.get("/api/rent-rules").json()["count"] == 1
    assert api.get(f"/api/rent-rules/{rule_id}/history").json()[0]["changes"][0]["label"] == "各年应缴比例"
    assert _api(world.alice).get("/api/rent-rules").status_code == 403
    assert _api(world.alice).patch(f"/api/rent-rules/{rule_id}", "{}", content_type="application/json"
                                   ).status_code == 403
    assert api.get(f"/api/rent-rules/{rule_id + 99}").status_code == 404
