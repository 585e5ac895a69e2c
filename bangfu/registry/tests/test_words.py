"""What the pages say: household types, the platform's one name, the login refusal, full-width
colons, grouped figures, people outside working age, and every form error in one round."""

import datetime
import re

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bangfu.accounts.models import ApiToken
from bangfu.conftest import PASSWORD, make_person, valid_id
from bangfu.registry import actions

VILLAGE = "522633101001"
TODAY = timezone.localdate()


def years_ago(years: int) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years, day=1)


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


def test_a_household_type_reads_as_a_household_not_as_people(alice, world):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE, "poverty_status": "tuopin"})
    make_person(world.alice, name="户主甲", seq=61, household=household)
    detail = alice.get(reverse("household_detail", args=[household.pk])).content.decode()
    listing = alice.get(reverse("household_list")).content.decode()
    for body in (detail, listing):
        assert "脱贫户" in body and "脱贫人口" not in body
    assert '<option value="monitored">监测户</option>' in listing  # the household filter
    assert "一般户" in alice.get(reverse("household_create")).content.decode()
    api = Client(HTTP_AUTHORIZATION="Bearer " + ApiToken.issue(world.alice, "t")[1])
    assert api.get(reverse("api:household", args=[household.pk])).json()["poverty_status_label"] == "脱贫户"


def test_the_platform_has_one_name(alice):
    body = alice.get(reverse("home")).content.decode()
    assert re.search(r"<title>.*· 就业帮扶服务平台</title>", body)
    assert "帮扶就业服务平台" not in body


def test_a_wrong_password_says_so_and_not_to_fix_red_fields(client, world):
    body = client.post(reverse("login"), {"username": "alice", "password": "wrong"}).content.decode()
    assert "请输入一个正确的用户名和密码" in body
    assert "请修改标红的内容后再保存" not in body
    body = client.post(reverse("login"), {"username": "alice", "password": ""}).content.decode()
    assert body.count("请修改标红的内容后再保存") == 1  # a red field: said once
    assert client.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 302


CHINESE_THEN_ASCII_COLON = re.compile(r"[\u3400-\u9fff）]:")


def test_chinese_labels_take_full_width_colons(client, world):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    actions.do_update_person(world.alice, world.person, {"name": "张三"})
    client.force_login(world.alice)
    pages = [reverse(name) for name in ("home", "person_list", "household_list", "zero_employment",
                                        "person_create", "household_create", "regions")]
    pages += [reverse(name, args=[world.person.pk]) for name in ("person_detail", "person_edit", "person_history",
                                                                "survey_create")]
    pages += [reverse("household_detail", args=[household.pk]), reverse("household_edit", args=[household.pk])]
    for url in pages:
        body = client.get(url).content.decode()
        assert not CHINESE_THEN_ASCII_COLON.search(body), (url, CHINESE_THEN_ASCII_COLON.findall(body))
        if url == reverse("person_create"):
            assert "姓名：</label>" in body
    client.force_login(world.audrey)
    body = client.get(reverse("audit_log")).content.decode()
    assert "字段：姓名" in body and not CHINESE_THEN_ASCII_COLON.search(body)
    client.logout()
    assert not CHINESE_THEN_ASCII_COLON.search(client.get(reverse("login")).content.decode())


def test_chinese_figures_are_grouped_in_threes_and_plain_numbers_are_not():
    with translation.override("zh-hans"):
        assert intcomma(12345) == "12,345" and intcomma(1234567) == "1,234,567"
        assert Template("{% load humanize %}{{ n|intcomma }} {{ n }}").render(Context({"n": 20517})) == "20,517 20517"
    with translation.override("en"):
        assert intcomma(12345) == "12,345"


@pytest.mark.parametrize(("birth", "status", "reason", "shown", "hidden"), [
    (years_ago(3), "not_seeking", "other", "未到劳动年龄", "暂无就业意愿"),
    (years_ago(70), "seeking", "", "已过劳动年龄", "未就业有就业意愿"),
    (years_ago(62), "flexible", "", "灵活就业", "已过劳动年龄"),
    (years_ago(30), "not_seeking", "caring", "暂无就业意愿 · 照顾家庭", "劳动年龄"),
])
def test_people_outside_working_age_read_as_such(alice, world, birth, status, reason, shown, hidden):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    make_person(world.alice, name="户主乙", seq=71, household=household, employment_status="in_county",
                employer_name="车间")
    person = make_person(world.alice, name="成员丙", seq=73, birth=birth, household=household,
                         relationship="child", employment_status=status, not_seeking_reason=reason)
    body = re.sub(r"<[^>]+>", "", alice.get(reverse("person_detail", args=[person.pk])).content.decode())
    assert shown in body and hidden not in body
    household_page = alice.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert shown.split(" · ")[0] in household_page
    listed = alice.get(reverse("person_list"), {"q": "成员丙"}).content.decode()
    status = re.search(r'<td class="status">([^<]*)</td>', listed).group(1)
    assert status == shown.split(" · ")[0]


def _person_post(**fields):
    data = {"name": "新人", "id_number": valid_id(seq=81), "relationship": "head", "region_code": VILLAGE,
            "labour_ability": "full", "poverty_status": "none", "employment_status": "seeking"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_the_person_form_reports_field_and_rule_errors_in_one_round(alice):
    # A field error (the name too long) and two of the rules' (monitored without a category;
    # not seeking without a reason): all three at once.
    response = alice.post(reverse("person_create"), _person_post(
        name="长" * 51, poverty_status="monitored", employment_status="not_seeking"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "监测对象须选择监测类型" in body and "暂无就业意愿须说明原因" in body
    assert "name" in response.context["form"].errors


def test_the_person_edit_form_reports_rule_errors_beside_a_field_error(alice, world):
    response = alice.post(reverse("person_edit", args=[world.person.pk]), _person_post(
        id_number="", name="", relocated="on", relocation_site=""))
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "relocation_site"}
    assert errors["relocation_site"] == ["搬迁户须填写安置点"]


def test_a_rule_that_needs_a_field_that_did_not_parse_is_not_said(alice):
    # The card number is checked against the ID number: with the ID number refused (too long for
    # the field), the card's rule has nothing to compare with and says nothing.
    response = alice.post(reverse("person_create"), _person_post(
        id_number="1" * 40, disability_card=valid_id(seq=81) + "42", name=""))
    errors = response.context["form"].errors
    assert {"id_number", "name"} <= set(errors) and "disability_card" not in errors


def test_the_household_form_reports_field_and_rule_errors_in_one_round(alice):
    response = alice.post(reverse("household_create"), {
        "region_code": "5226331010011", "poverty_status": "monitored", "relocated": "on"})
    errors = response.context["form"].errors
    assert set(errors) == {"region_code", "monitoring_category", "relocation_site"}


def test_a_valid_form_still_saves(alice, world):
    response = alice.post(reverse("household_create"), {"region_code": VILLAGE, "poverty_status": "none"})
    assert response.status_code == 302
    response = alice.post(reverse("person_create"), _person_post())
    assert response.status_code == 302
