"""The quota parameters: their rules, who may keep them, their pages, history and API."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from bangfu.accounts.models import ApiToken
from bangfu.audit.models import Action, AuditEntry
from bangfu.core.permissions import Forbidden
from bangfu.core.writes import StaleEdit
from bangfu.employers.models import QuotaRule
from bangfu.employers.organisations import actions
from bangfu.employers.organisations.rules import clean_quota_rule
from bangfu.employers.organisations.tests.helpers import RULE, make_rule


def _errors(**fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        clean_quota_rule({**RULE, **fields})
    return caught.value.message_dict


def test_it_takes_a_whole_rule_and_defaults_the_rest(world):
    values = clean_quota_rule({"region_prefix": "522633", "year": "2025", "ratio": "0.015",
                               "local_average_wage": "98,000"})
    assert values == {"region_prefix": "522633", "year": 2025, "ratio": Decimal("0.015"),
                      "local_average_wage": 98_000}
    rule = actions.do_create_quota_rule(world.admin, {"region_prefix": "522633", "year": 2025, "ratio": "0.015",
                                                      "local_average_wage": 98_000})
    assert (rule.retirement_age_male, rule.retirement_age_female, rule.wage_cap_multiple) == (60, 50, 2)


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"region_prefix": "5226"}, None, None),
    ({"region_prefix": "52263"}, "region_prefix", "2、4、6、9 或 12 位"),
    ({"region_prefix": "53"}, "region_prefix", "区划 53 不存在"),
    ({"year": "1999"}, "year", "2000–2100"),
    ({"year": "2101"}, "year", "不能超过"),
    ({"ratio": "0"}, "ratio", "应大于 0%且小于 100%"),
    ({"ratio": "1"}, "ratio", "应大于 0%且小于 100%"),
    ({"ratio": "0.01555"}, "ratio", "最多保留 4 位小数"),
    ({"ratio": "abc"}, "ratio", "应为数字"),
    ({"ratio": ""}, "ratio", "请填写安排比例"),
    ({"local_average_wage": "0"}, "local_average_wage", "请填写当地社会平均工资"),
    ({"local_average_wage": "-5"}, "local_average_wage", "不能为负数"),
    ({"wage_cap_multiple": "0.99"}, "wage_cap_multiple", "1 到 10 倍"),
    ({"wage_cap_multiple": "10.01"}, "wage_cap_multiple", "1 到 10 倍"),
    ({"wage_cap_multiple": "10"}, None, None),
    ({"exempt_up_to_staff": "-1"}, "exempt_up_to_staff", "不能为负数"),
    ({"reduced_from_ratio": "0.015"}, "reduced_from_ratio", "应低于安排比例"),
    ({"reduced_from_ratio": "0.0149"}, None, None),
    ({"reduced_from_ratio": ""}, "share_from_reduced", "未填写减征起点比例时不能填写征收比例"),
    ({"share_from_reduced": ""}, "share_from_reduced", "请填写达到该比例时的征收比例"),
    ({"share_from_reduced": "1"}, None, None),
    ({"share_from_reduced": "1.01"}, "share_from_reduced", "不超过 100%"),
    ({"share_below_reduced": "0"}, "share_below_reduced", "应大于 0%"),
    ({"retirement_age_male": "39"}, "retirement_age_male", "40–75"),
    ({"retirement_age_female": "76"}, "retirement_age_female", "不能超过"),
    ({"retirement_age_female": "40"}, None, None),
    ({"note": "x" * 201}, "note", "200"),
    ({"wage_cap_multiple": "1"}, None, None),
    ({"wage_cap_multiple": "1.005"}, "wage_cap_multiple", "最多保留 2 位小数"),
    ({"retirement_age_male": "75"}, None, None),
    ({"year": "2000"}, None, None),
    ({"year": "2100"}, None, None),
    ({"ratio": "0.0001", "reduced_from_ratio": "", "share_from_reduced": "", "share_below_reduced": ""}, None, None),
    ({"reduced_from_ratio": "", "share_from_reduced": "", "share_below_reduced": "0.9"}, "share_below_reduced",
     "未填写减征起点比例时不能填写征收比例"),
    ({"reduced_from_ratio": "", "share_from_reduced": "", "share_below_reduced": ""}, None, None),
])
def test_it_names_the_field_and_what_is_wrong(world, fields, field, message):
    if field is None:
        clean_quota_rule({**RULE, **fields})
        return
    errors = _errors(**fields)
    assert field in errors, errors
    assert message in errors[field][0]


def test_a_region_and_year_is_entered_once(world):
    make_rule(world.admin)
    assert "已录入" in _errors()["year"][0]
    make_rule(world.admin, year=2026)  # another year
    make_rule(world.admin, region_prefix="522633")  # another region


def test_an_edit_keeps_the_fields_not_sent_and_may_keep_its_own_year(world):
    rule = make_rule(world.admin)
    changed = actions.do_update_quota_rule(world.admin, rule, {"ratio": "0.016", "year": 2025})
    assert changed == ["ratio"]
    rule.refresh_from_db()
    assert rule.ratio == Decimal("0.016") and rule.local_average_wage == 100_000
    assert rule.history.count() == 2 and rule.history.first().history_user == world.admin
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_type="employers.quotarule").exists()


def test_an_edit_checks_the_reduction_against_the_stored_ratio(world):
    rule = make_rule(world.admin)
    with pytest.raises(ValidationError, match="应低于安排比例"):
        actions.do_update_quota_rule(world.admin, rule, {"reduced_from_ratio": "0.02"})


def test_only_administrators_keep_the_rules(world):
    with pytest.raises(Forbidden):
        make_rule(world.alice)
    rule = make_rule(world.admin)
    with pytest.raises(Forbidden):
        actions.do_update_quota_rule(world.alice, rule, {"ratio": "0.02"})


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_list_create_edit_and_show_history(world):
    admin = _client(world.admin)
    form = {"region_prefix": "522633", "year": "2025", "ratio": "1.5", "local_average_wage": "98000",
            "wage_cap_multiple": "2", "exempt_up_to_staff": "30", "reduced_from_ratio": "1",
            "share_from_reduced": "50", "share_below_reduced": "90", "retirement_age_male": "60",
            "retirement_age_female": "50", "note": "黔财税〔2020〕1号"}
    response = admin.post("/quota-rules/new/", form)
    assert response.status_code == 302
    rule = QuotaRule.objects.get()
    assert (rule.ratio, rule.reduced_from_ratio, rule.share_from_reduced) == (
        Decimal("0.015"), Decimal("0.01"), Decimal("0.5"))
    listing = admin.get("/quota-rules/").content.decode()
    assert "黔财税〔2020〕1号" in listing and "1.5%" in listing
    edit = admin.get(f"/quota-rules/{rule.pk}/edit/").content.decode()
    assert 'value="1.5"' in edit and 'value="50"' in edit
    assert admin.post(f"/quota-rules/{rule.pk}/edit/", {**form, "ratio": "1.6"}).status_code == 302
    history = admin.get(f"/quota-rules/{rule.pk}/history/").content.decode()
    assert "安排比例" in history and "0.0160" in history


def test_the_form_shows_every_bad_field_in_one_round(world):
    response = _client(world.admin).post("/quota-rules/new/", {
        "region_prefix": "5", "year": "20x5", "ratio": "百分之一", "local_average_wage": "",
        "retirement_age_male": "60", "retirement_age_female": "50"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"region_prefix", "year", "ratio", "local_average_wage"}
    assert "应为数字" in errors["ratio"][0]
    assert not QuotaRule.objects.exists()


@pytest.mark.parametrize("username", ["alice", "dora", "tom", "sam", "audrey", "ed"])
def test_other_roles_may_not_open_the_rule_pages(world, username):
    rule = make_rule(world.admin)
    client = _client(getattr(world, username))
    for url in ("/quota-rules/", "/quota-rules/new/", f"/quota-rules/{rule.pk}/edit/",
                f"/quota-rules/{rule.pk}/history/"):
        assert client.get(url).status_code == 403


def _api(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'test')[1]}")


def test_the_api_lists_creates_and_updates_rules(world):
    api = _api(world.admin)
    body = {"region_prefix": "522633", "year": 2025, "ratio": 0.015, "local_average_wage": 98000}
    created = api.post("/api/quota-rules", json.dumps(body), content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY="rule-key-0001")
    assert created.status_code == 201
    again = api.post("/api/quota-rules", json.dumps(body), content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY="rule-key-0001")
    assert again.status_code == 201 and again.json()["id"] == created.json()["id"]
    assert QuotaRule.objects.count() == 1
    rule_id = created.json()["id"]
    patched = api.patch(f"/api/quota-rules/{rule_id}", json.dumps({"ratio": "0.016"}),
                        content_type="application/json")
    assert patched.status_code == 200 and Decimal(patched.json()["ratio"]) == Decimal("0.016")
    bad = api.patch(f"/api/quota-rules/{rule_id}", json.dumps({"reduced_from_ratio": 0.02}),
                    content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "share_from_reduced" or "reduced_from_ratio" in bad.content.decode()
    assert api.get("/api/quota-rules").json()["count"] == 1
    assert api.patch(f"/api/quota-rules/{rule_id + 99}", "{}", content_type="application/json").status_code == 404


def test_the_api_refuses_rules_to_officers(world):
    api = _api(world.alice)
    assert api.get("/api/quota-rules").status_code == 403
    assert api.post("/api/quota-rules", json.dumps({"region_prefix": "52", "year": 2025, "ratio": 0.015,
                                                    "local_average_wage": 1}),
                    content_type="application/json").status_code == 403


def test_the_api_asks_for_the_region_even_for_a_national_rule(world):
    api = _api(world.admin)
    body = {"year": 2025, "ratio": 0.015, "local_average_wage": 98000}
    assert api.post("/api/quota-rules", json.dumps(body), content_type="application/json").status_code == 422
    national = api.post("/api/quota-rules", json.dumps({**body, "region_prefix": ""}),
                        content_type="application/json")
    assert national.status_code == 201 and national.json()["region_prefix"] == ""


# --- two officers editing at once -----------------------------------------------------------------

def test_an_edit_made_on_an_older_version_is_refused_and_names_what_changed(world):
    rule = make_rule(world.admin)
    assert rule.version == 1
    assert actions.do_update_quota_rule(world.admin, rule, {"ratio": "0.016"}, version=1) == ["ratio"]
    rule.refresh_from_db()
    assert rule.version == 2
    with pytest.raises(StaleEdit) as caught:
        actions.do_update_quota_rule(world.admin, rule, {"local_average_wage": 120_000}, version=1)
    assert "安排比例" in str(caught.value) and "版本 1 → 2" in str(caught.value)
    rule.refresh_from_db()
    assert (rule.local_average_wage, rule.version) == (100_000, 2)
    # An edit that changes nothing keeps the version; one made on the current version goes through.
    assert actions.do_update_quota_rule(world.admin, rule, {"ratio": "0.016"}, version=2) == []
    assert actions.do_update_quota_rule(world.admin, rule, {"local_average_wage": 120_000}, version=2)
    rule.refresh_from_db()
    assert (rule.local_average_wage, rule.version) == (120_000, 3)


def test_the_edit_page_refuses_a_stale_form_and_keeps_the_other_edit(world):
    rule = make_rule(world.admin)
    admin = _client(world.admin)
    page = admin.get(f"/quota-rules/{rule.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in page
    form = {"region_prefix": "52", "year": "2025", "ratio": "1.5", "local_average_wage": "100000",
            "wage_cap_multiple": "2", "exempt_up_to_staff": "30", "reduced_from_ratio": "1",
            "share_from_reduced": "50", "share_below_reduced": "90", "retirement_age_male": "60",
            "retirement_age_female": "50", "note": "", "version": "1"}
    assert admin.post(f"/quota-rules/{rule.pk}/edit/", {**form, "ratio": "1.6"}).status_code == 302
    stale = admin.post(f"/quota-rules/{rule.pk}/edit/", {**form, "local_average_wage": "90000"})
    assert stale.status_code == 200
    assert "该记录已被他人修改" in stale.content.decode()
    rule.refresh_from_db()
    assert (rule.ratio, rule.local_average_wage) == (Decimal("0.016"), 100_000)


def test_the_api_answers_412_to_a_stale_if_match(world):
    api = _api(world.admin)
    rule = make_rule(world.admin)
    got = api.get(f"/api/quota-rules/{rule.pk}")
    assert got.status_code == 200 and got["ETag"] == '"1"' and got.json()["version"] == 1
    patched = api.patch(f"/api/quota-rules/{rule.pk}", json.dumps({"ratio": "0.016"}),
                        content_type="application/json", HTTP_IF_MATCH='"1"')
    assert patched.status_code == 200 and patched["ETag"] == '"2"'
    stale = api.patch(f"/api/quota-rules/{rule.pk}", json.dumps({"local_average_wage": 90000}),
                      content_type="application/json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale.json()["version"] == 2 and stale.json()["changes"][0]["field"] == "ratio"
    rule.refresh_from_db()
    assert rule.local_average_wage == 100_000
    history = api.get(f"/api/quota-rules/{rule.pk}/history").json()
    assert history[0]["changes"][0]["label"] == "安排比例"
    assert _api(world.alice).get(f"/api/quota-rules/{rule.pk}").status_code == 403
