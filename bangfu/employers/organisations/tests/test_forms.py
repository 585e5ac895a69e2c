"""The employer create and edit forms: bad input named field by field, the industry, stale edits."""

from django.test import Client

from bangfu.employers import uscc
from bangfu.employers.models import Employer
from bangfu.employers.organisations import actions
from bangfu.employers.testing import credit_code, make_employer

VILLAGE = "522633101001"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _form(**fields):
    return {"name": "大塘绣娘服饰有限公司", "credit_code": credit_code(), "kind": "enterprise", "industry": "18",
            "industry_code": "", "township": "522633101000", "region_code": VILLAGE, "staff_count": "40",
            "disabled_staff_count": "1", "average_wage": "", "active": "on", **fields}


def test_it_creates_an_employer_from_the_form(world):
    response = _client(world.alice).post("/employers/new/", _form(average_wage="52,000"))
    employer = Employer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/employers/{employer.pk}/"
    assert (employer.industry.code, employer.average_wage, employer.active) == ("18", 52_000, True)


def test_it_names_every_bad_field_in_chinese_in_one_round(world):
    response = _client(world.alice).post("/employers/new/", _form(
        name="", credit_code="91522633MA000001X0", region_code="", staff_count="十", disabled_staff_count="-1",
        average_wage="1.5", industry_code="999"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["请填写单位名称"]
    assert "校验" in errors["credit_code"][0] or "统一社会信用代码" in errors["credit_code"][0]
    assert errors["staff_count"] == ["应为整数"]
    assert errors["disabled_staff_count"] == ["不能为负数"]
    assert errors["average_wage"] == ["应为整数"]
    assert "999" in errors["industry_code"][0] and "industry" not in errors  # beside the typed code
    assert "kind" not in errors  # the credit code's message says why no kind was read from it
    assert "12 位" in errors["region_code"][0]
    assert "请修改标红的内容后再保存" in response.content.decode()
    assert not Employer.objects.exists()


def test_more_disabled_than_staff_is_refused_beside_the_field(world):
    response = _client(world.alice).post("/employers/new/", _form(staff_count="5", disabled_staff_count="6"))
    assert "不能多于在职职工人数（5）" in response.context["form"].errors["disabled_staff_count"][0]


def test_a_credit_code_already_on_file_names_its_employer(world):
    taken = make_employer(world.alice, VILLAGE, "甲公司")
    response = _client(world.alice).post("/employers/new/", _form(credit_code=taken.credit_code))
    assert "已登记：甲公司" in response.context["form"].errors["credit_code"][0]


def test_it_reads_the_kind_from_the_credit_code_when_none_is_chosen(world):
    code = uscc.build("9", "3", "522633", "MA7H2K3Q")  # 93: a farmers' cooperative
    _client(world.alice).post("/employers/new/", _form(kind="", credit_code=code))
    assert Employer.objects.get().kind == "cooperative"


def test_a_typed_industry_code_wins_over_the_select(world):
    _client(world.alice).post("/employers/new/", _form(industry="18", industry_code=" c "))
    assert Employer.objects.get().industry.code == "C"


def test_the_industry_select_groups_divisions_under_their_section(world):
    page = _client(world.alice).get("/employers/new/").content.decode()
    section_c = page.index('<optgroup label="C 制造业">')
    assert section_c < page.index('value="18"') < page.index('<optgroup label="D ')
    assert page.index('<optgroup label="A ') < section_c


def test_an_officer_may_not_register_an_employer_outside_the_county(world):
    response = _client(world.alice).post("/employers/new/", _form(township="", region_code="522631101001"))
    assert response.status_code == 200
    assert not Employer.objects.exists()


def test_a_stale_edit_is_refused_naming_what_changed(world):
    employer = make_employer(world.alice, VILLAGE, "甲公司")
    seen = employer.version
    actions.do_update_employer(world.admin, employer, {"staff_count": 99})
    response = _client(world.alice).post(f"/employers/{employer.pk}/edit/", _form(
        name="甲公司改名", credit_code=employer.credit_code, version=str(seen)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "该记录已被他人修改" in page and "在职职工人数" in page
    employer.refresh_from_db()
    assert (employer.name, employer.staff_count) == ("甲公司", 99)


def test_an_edit_on_the_current_version_saves_and_says_so(world):
    employer = make_employer(world.alice, VILLAGE, "甲公司")
    client = _client(world.alice)
    form = client.get(f"/employers/{employer.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in form and 'value="甲公司"' in form
    response = client.post(f"/employers/{employer.pk}/edit/", _form(
        name="甲公司", credit_code=employer.credit_code, staff_count="41", version="1"), follow=True)
    assert "已保存" in response.content.decode()
    employer.refresh_from_db()
    assert (employer.staff_count, employer.version) == (41, 2)


def test_a_double_submission_registers_one_employer(world):
    client = _client(world.alice)
    form = _form(submission="a" * 32)
    client.post("/employers/new/", form)
    client.post("/employers/new/", form)
    assert Employer.objects.count() == 1


def test_the_history_page_shows_who_changed_what(world):
    employer = make_employer(world.alice, VILLAGE, "甲公司")
    actions.do_update_employer(world.alice, employer, {"staff_count": 99})
    page = _client(world.alice).get(f"/employers/{employer.pk}/history/").content.decode()
    assert "在职职工人数" in page and ">40<" in page and ">99<" in page and "alice" in page


def test_a_bad_industry_chosen_from_the_select_is_named_beside_it(world):
    response = _client(world.alice).post("/employers/new/", _form(industry="Z"))
    assert "Z" in response.context["form"].errors["industry"][0]


def test_no_kind_and_a_code_that_names_none_asks_for_the_kind(world):
    code = uscc.build("Y", "1", "522633", "MA7H2K3Q")  # Y1: no kind read from it
    response = _client(world.alice).post("/employers/new/", _form(kind="", credit_code=code))
    assert response.context["form"].errors["kind"] == ["请选择单位类型"]
