"""The employer pages as each role meets them."""

import pytest
from django.test import Client

from bangfu.employers.models import Workshop
from bangfu.employers.organisations.tests.helpers import bind, employ, make_rule
from bangfu.employers.testing import make_employer

VILLAGE = "522633101001"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def firms(world):
    return {
        "ours": make_employer(world.alice, VILLAGE, "大塘绣娘服饰有限公司", industry="18", address="大塘村一组",
                              contact_name="吴经理", contact_phone="0855-1234567", average_wage=52_000),
        "township": make_employer(world.alice, "522633102001", "干团茶叶专业合作社", kind="cooperative"),
        "bobs": make_employer(world.bob, "522631101001", "高屯木业有限公司"),
    }


def test_alice_lists_her_county_and_not_bobs(world, firms):
    page = _client(world.alice).get("/employers/").content.decode()
    assert "大塘绣娘服饰有限公司" in page and "干团茶叶专业合作社" in page
    assert "高屯木业有限公司" not in page
    assert "导出 Excel" in page and "登记单位" in page


@pytest.mark.parametrize(("params", "shown", "hidden"), [
    ({"region": "522633102"}, "干团茶叶专业合作社", "大塘绣娘服饰有限公司"),
    ({"kind": "cooperative"}, "干团茶叶专业合作社", "大塘绣娘服饰有限公司"),
    ({"section": "C"}, "大塘绣娘服饰有限公司", "干团茶叶专业合作社"),
    ({"q": "绣娘"}, "大塘绣娘服饰有限公司", "干团茶叶专业合作社"),
    ({"active": "1"}, "大塘绣娘服饰有限公司", "已停业公司"),
    ({"active": "0"}, "已停业公司", "大塘绣娘服饰有限公司"),
])
def test_the_list_filters(world, firms, params, shown, hidden):
    make_employer(world.alice, VILLAGE, "已停业公司", active=False)
    page = _client(world.alice).get("/employers/", params).content.decode()
    assert shown in page and hidden not in page


def test_a_search_by_the_credit_code_finds_the_employer(world, firms):
    code = firms["township"].credit_code
    page = _client(world.alice).get("/employers/", {"q": code[:12].lower()}).content.decode()
    assert "干团茶叶专业合作社" in page


def test_the_list_sorts_by_name_both_ways(world, firms):
    client = _client(world.alice)
    ascending = client.get("/employers/", {"sort": "name"}).content.decode()
    descending = client.get("/employers/", {"sort": "-name"}).content.decode()
    first, second = "大塘绣娘服饰有限公司", "干团茶叶专业合作社"
    assert ascending.index(first) < ascending.index(second)
    assert descending.index(second) < descending.index(first)


def test_a_bad_filter_is_a_400_with_a_message(world, firms):
    response = _client(world.alice).get("/employers/", {"kind": "bank"})
    assert response.status_code == 400


def test_the_detail_shows_every_field_workshops_employment_and_operators(world, firms):
    ours = firms["ours"]
    Workshop.objects.create(employer=ours, name="大塘绣娘车间", kind="factory", site="poor_village",
                            region_code=VILLAGE, certificate_number="QDN-2024-001")
    employ(world.person, ours)
    bind(world.ed, ours, world.alice)
    page = _client(world.alice).get(f"/employers/{ours.pk}/").content.decode()
    for text in ("大塘绣娘服饰有限公司", ours.credit_code, "企业", "18", "纺织服装、服饰业", "丙妹镇", "大塘村一组",
                 "吴经理", "0855-1234567", "52000", "大塘绣娘车间", "QDN-2024-001", "1 条", ">ed<"):
        assert text in page, text


def test_the_detail_explains_the_quota_of_the_year_chosen(world, firms):
    make_rule(world.admin, year=2024, note="黔残联〔2024〕5号")
    client = _client(world.alice)
    page = client.get(f"/employers/{firms['ours'].pk}/", {"year": "2024"}).content.decode()
    assert "黔残联〔2024〕5号" in page and "应缴纳残疾人就业保障金" in page
    other = client.get(f"/employers/{firms['ours'].pk}/", {"year": "2023"}).content.decode()
    assert "未找到 2023 年" in other
    assert client.get(f"/employers/{firms['ours'].pk}/", {"year": "20x"}).status_code == 400


def test_bob_gets_404_for_alices_employer_on_every_page(world, firms):
    client = _client(world.bob)
    for url in ("/", "/edit/", "/history/", "/operators/"):
        assert client.get(f"/employers/{firms['ours'].pk}{url}").status_code == 404


def test_tom_sees_his_township_only(world, firms):
    client = _client(world.tom)
    assert client.get(f"/employers/{firms['ours'].pk}/").status_code == 200
    assert client.get(f"/employers/{firms['township'].pk}/").status_code == 404


def test_the_auditor_reads_but_does_not_edit(world, firms):
    client = _client(world.audrey)
    page = client.get(f"/employers/{firms['ours'].pk}/").content.decode()
    assert "大塘绣娘服饰有限公司" in page and f"/employers/{firms['ours'].pk}/edit/" not in page
    assert client.get(f"/employers/{firms['ours'].pk}/edit/").status_code == 403
    assert client.get(f"/employers/{firms['ours'].pk}/history/").status_code == 200
    assert client.get("/employers/new/").status_code == 403


def test_the_surveyor_has_no_employer_pages(world, firms):
    client = _client(world.sam)
    assert client.get("/employers/").status_code == 403
    assert client.get(f"/employers/{firms['ours'].pk}/").status_code == 403
    assert "/employers/" not in client.get("/").content.decode()


def test_a_bound_operator_is_taken_to_its_own_organisation_only(world, firms):
    bind(world.ed, firms["ours"], world.alice)
    client = _client(world.ed)
    response = client.get("/employers/")
    assert response.status_code == 302 and response["Location"] == f"/employers/{firms['ours'].pk}/"
    page = client.get(f"/employers/{firms['ours'].pk}/").content.decode()
    assert "大塘绣娘服饰有限公司" in page and "/edit/" in page and "/operators/" not in page
    assert client.get(f"/employers/{firms['township'].pk}/").status_code == 404
    assert client.get(f"/employers/{firms['township'].pk}/edit/").status_code == 404
    assert client.get(f"/employers/{firms['ours'].pk}/history/").status_code == 200
    assert client.get(f"/employers/{firms['ours'].pk}/operators/").status_code == 403
    assert client.get("/employers/new/").status_code == 403


def test_an_operator_edits_its_organisation_but_cannot_move_it(world, firms):
    ours = firms["ours"]
    bind(world.ed, ours, world.alice)
    client = _client(world.ed)
    form = client.get(f"/employers/{ours.pk}/edit/").content.decode()
    assert 'name="region_code"' not in form and 'name="staff_count"' in form
    response = client.post(f"/employers/{ours.pk}/edit/", {
        "name": ours.name, "credit_code": ours.credit_code, "kind": "enterprise", "industry": "18",
        "staff_count": "60", "disabled_staff_count": "1", "active": "on", "region_code": "522633102001",
        "version": ours.version})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.staff_count, ours.region_code) == (60, VILLAGE)
    assert ours.history.first().history_user == world.ed


def test_an_unbound_operator_is_told_whom_to_ask(world, firms):
    world.alice.first_name = "爱丽丝"
    world.alice.save()
    response = _client(world.ed).get("/employers/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "尚未绑定单位" in page and "爱丽丝" in page and "大塘绣娘服饰有限公司" not in page
    assert "bob" not in page  # another county's officer cannot bind ed's account
