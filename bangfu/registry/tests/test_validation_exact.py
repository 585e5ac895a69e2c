"""The ledger's rules to the letter: each refusal's exact words and the field it names, the values
a rule derives or clears, and the edges of what passes (found by scripts/mutation)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import make_person, valid_id
from bangfu.core import crypto
from bangfu.registry import actions, validation
from bangfu.registry.models import EARLIEST_DAY, Household, Person
from bangfu.registry.validation import (
    DuplicatePerson,
    ProbeLimited,
    clean_follow_up,
    clean_household,
    clean_person,
    clean_survey,
    clean_text,
)

VILLAGE = "522633101001"
TODAY = timezone.localdate()


def refused(clean, *args) -> dict:
    with pytest.raises(ValidationError) as caught:
        clean(*args)
    return caught.value.message_dict


def new(**fields) -> dict:
    return {"name": "陈七", "id_number": valid_id(seq=41), "region_code": VILLAGE, "relationship": "head",
            "labour_ability": "full", "poverty_status": "none", "employment_status": "seeking", **fields}


# --- text ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\u202a", "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\u2060", "\ufeff"])
def test_a_name_with_a_hidden_character_is_refused_in_these_words(char):
    assert clean_text(f"张{char}三", 50, name_of="姓名") == (
        f"张{char}三", "姓名含有不可见的文字方向控制符或零宽字符（常随从网页、文档复制的文字带入），请删除后重新输入")
    assert clean_text(f"张{char}三", 50) == (f"张{char}三", None)  # free text keeps them


def test_control_characters_stop_below_the_space_but_tabs_and_line_breaks_pass():
    assert clean_text("a\x00b", 9)[1] == "含有不可见的控制字符"
    assert clean_text("a\x1fb", 9)[1] == "含有不可见的控制字符"
    assert clean_text("a b", 9) == ("a b", None)
    assert clean_text("a\tb\nc\rd", 9) == ("a\tb\nc\rd", None)
    assert clean_text(None, 9) == ("", None)
    assert clean_text("  两边空格  ", 4) == ("两边空格", None)  # the limit counts the trimmed text


# --- people --------------------------------------------------------------------------------------

def test_a_new_person_gets_their_derived_values(world):
    values = clean_person(new(name=" 陈七 ", phone="138 1234 5678", wish_pay=3000))
    number = valid_id(seq=41)
    assert (values["name"], values["name_pinyin"], values["name_initials"]) == ("陈七", "chenqi", "cq")
    assert (values["gender"], values["birth_date"], values["region_code"]) == ("M", datetime.date(1985, 3, 9), VILLAGE)
    assert crypto.decrypt(values["id_number_enc"]) == number and values["id_number_hash"] == crypto.lookup_hash(number)
    assert crypto.decrypt(values["phone_enc"]) == "13812345678"
    assert values["is_labour"] is True and values["household"] is None and values["wish_pay"] == 3000


def test_an_empty_name_and_a_missing_id_number_are_named(world):
    assert refused(clean_person, new(name="  ", id_number="")) == {
        "name": ["姓名不能为空"], "id_number": ["身份证号应为 18 位，现为 0 位"]}
    data = new()
    del data["id_number"], data["name"]
    assert refused(clean_person, data) == {"name": ["姓名不能为空"], "id_number": ["身份证号应为 18 位，现为 0 位"]}


def test_a_duplicate_names_the_existing_person_and_where_to_find_them(world):
    with pytest.raises(DuplicatePerson) as caught:
        clean_person(new(id_number=valid_id(seq=11)))
    exc = caught.value
    assert exc.messages == [f"该身份证号已登记：张三丰（编号 {world.person.pk}），请打开已有记录"]
    assert exc.existing == world.person and exc.visible and exc.field == "id_number"
    assert exc.api_url == f"/api/people/{world.person.pk}"
    hidden = DuplicatePerson(world.person, visible=False)
    assert hidden.message_dict == {"id_number": ["该身份证号已登记在您查看范围以外的台账中"]}
    assert (hidden.visible, hidden.api_url) == (False, None)


def test_the_probe_limit_says_how_long_and_how_often(settings):
    settings.ID_PROBE_LIMIT, settings.ID_PROBE_WINDOW_SECONDS = 4, 1800
    assert ProbeLimited().messages == [
        "您在 30 分钟内已 4 次填写已登记在您查看范围以外的身份证号。为防止借此查探他人信息，"
        "暂不能新增人员或修改身份证号，请稍后再试，或联系系统管理员"]


def test_the_probe_limit_is_reached_at_exactly_the_limit(world, settings):
    settings.ID_PROBE_LIMIT = 2
    make_person(world.bob, name="本县人", seq=21, region_code="522631101001", address="522631")
    number = valid_id(seq=11)
    data = {"name": "试探", "id_number": number, "region_code": "522631101001", "relationship": "head",
            "labour_ability": "full", "poverty_status": "none", "employment_status": "seeking"}
    for _ in range(2):
        with pytest.raises(DuplicatePerson):
            actions.do_create_person(world.bob, data)
    assert validation.recent_probes(world.bob) == 2  # probes only, not the user's other audit entries
    with pytest.raises(ProbeLimited):
        actions.do_create_person(world.bob, data)
    entry = AuditEntry.objects.get(action=Action.PROBE_LIMITED)
    assert (entry.user, entry.field, entry.region_code, entry.detail) == (
        world.bob, "id_number", "522631000000", {"id_number": number[:4] + "*" * 10 + number[-4:]})


def test_only_a_new_number_is_a_probe(world):
    person = world.person
    assert validation._probed_number({"name": "x"}, person) is None
    assert validation._probed_number({"id_number": valid_id(seq=11)}, person) is None    # their own
    assert validation._probed_number({"id_number": " "}, None) is None
    assert validation._probed_number({"id_number": "１１０１０５１９４９１２３１００２x"}, None) == "11010519491231002X"
    assert validation._probed_number({"id_number": valid_id(seq=13)}, person) == valid_id(seq=13)


def test_an_unchanged_number_phone_and_card_keep_their_ciphertext(world):
    person = make_person(world.alice, name="残疾人", seq=21, disability_card=valid_id(seq=21) + "42",
                         disability_category=4, disability_grade=2)
    values = clean_person({"id_number": valid_id(seq=21).lower(), "phone": "13812345678",
                           "disability_card": valid_id(seq=21) + "42"}, person)
    assert not {"id_number_enc", "id_number_hash", "phone_enc", "disability_card_enc"} & set(values)
    assert (values["disability_category"], values["disability_grade"]) == (4, 2)
    changed = clean_person({"phone": "13912345678"}, person)
    assert crypto.decrypt(changed["phone_enc"]) == "13912345678"
    # resubmitting the own number alone does not ask for a new card
    assert clean_person({"id_number": valid_id(seq=21)}, person)["birth_date"] == datetime.date(1985, 3, 9)
    # a new card alone is checked against the number on file
    card = clean_person({"disability_card": valid_id(seq=21) + "31"}, person)
    assert (card["disability_category"], card["disability_grade"]) == (3, 1)


def test_an_empty_phone_clears_it_and_a_bad_one_is_named(world):
    values = clean_person({"phone": "  "}, world.person)
    assert (values["phone_enc"], values["phone_hash"]) == ("", "")
    assert refused(clean_person, {"phone": "12345"}, world.person) == {
        "phone": ["电话号码“12345”应为 11 位手机号或带区号的固定电话"]}


def test_a_new_id_number_needs_a_new_disability_card(world):
    person = make_person(world.alice, name="残疾人", seq=21, disability_card=valid_id(seq=21) + "42",
                         disability_category=4, disability_grade=2)
    assert refused(clean_person, {"id_number": valid_id(seq=23)}, person) == {
        "disability_card": ["身份证号已更改，残疾人证号须一并更新"]}
    values = clean_person({"id_number": valid_id(seq=23), "disability_card": valid_id(seq=23) + "42"}, person)
    assert crypto.decrypt(values["disability_card_enc"]) == valid_id(seq=23) + "42"
    # without a card on file the number alone may change
    assert clean_person({"id_number": valid_id(seq=23)}, world.person)["gender"] == "M"


def test_a_person_follows_their_households_village(world):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    values = clean_person(new(household=household.pk, region_code=""))
    assert (values["household"], values["region_code"]) == (household, VILLAGE)
    assert clean_person(new(household=household, region_code=VILLAGE))["household"] == household
    assert refused(clean_person, new(household=household.pk, region_code="522633102001")) == {
        "region_code": [f"所在村随家庭户（户编号 {household.number}）：如需搬迁，请修改该户的所在村，"
                        "或先将此人移出该户"]}
    # a member whose record still says the old village may post it back unchanged
    member = make_person(world.alice, name="成员", seq=21, household=household)
    Person.objects.filter(pk=member.pk).update(region_code="522633102001")
    member.refresh_from_db()
    assert clean_person({"region_code": "522633102001"}, member)["region_code"] == VILLAGE


def test_a_village_must_exist(world):
    assert refused(clean_person, new(region_code="522633101999")) == {"region_code": ["区划代码 522633101999 不存在"]}
    assert refused(clean_person, new(region_code="")) == {"region_code": ["所在村应为 12 位村级区划代码"]}


def test_a_choice_given_empty_is_stored_empty_when_optional(world):
    values = clean_person(new(education="", wish_travel="", wish_hours=""))
    assert (values["education"], values["wish_travel"], values["wish_hours"]) == ("", "", "")
    assert "education" not in clean_person(new())  # not given: not touched


def test_companion_fields_are_required_and_cleared(world):
    assert refused(clean_person, new(poverty_status="monitored")) == {"monitoring_category": ["监测对象须选择监测类型"]}
    assert refused(clean_person, new(relocated=True)) == {"relocation_site": ["搬迁户须填写安置点"]}
    assert refused(clean_person, new(employment_status="not_seeking")) == {
        "not_seeking_reason": ["暂无就业意愿须说明原因"]}
    person = make_person(world.alice, name="监测户", seq=21, poverty_status="monitored",
                         monitoring_category="sudden", employment_status="not_seeking",
                         not_seeking_reason="caring", relocated=True, relocation_site="安置点")
    values = clean_person({"poverty_status": "tuopin", "employment_status": "seeking"}, person)
    assert (values["monitoring_category"], values["not_seeking_reason"]) == ("", "")
    for someone in (person, world.person):  # an edit of other fields leaves the companions alone
        kept = clean_person({"notes": "只改备注"}, someone)
        assert "monitoring_category" not in kept and "not_seeking_reason" not in kept
    assert clean_person({"relocated": ""}, person)["relocated"] is False


def test_wish_pay_says_what_it_takes(world):
    assert refused(clean_person, new(wish_pay=-1)) == {"wish_pay": ["期望月薪应为 0 到 1,000,000 之间的整数（元）"]}
    assert clean_person(new(wish_pay=None))["wish_pay"] is None


def test_working_age_is_derived_from_birth_date_and_ability(world):
    assert clean_person(new(labour_ability="none"))["is_labour"] is False
    old = valid_id(birth=datetime.date(1950, 1, 1), seq=41)
    assert clean_person(new(id_number=old))["is_labour"] is False
    assert clean_person({"labour_ability": "partial"}, world.person)["is_labour"] is True


# --- disability ----------------------------------------------------------------------------------

def disabled(world):
    return make_person(world.alice, name="残疾人", seq=21, disability_card=valid_id(seq=21) + "42",
                       disability_category=4, disability_grade=2)


@pytest.mark.parametrize(("fields", "errors"), [
    ({"disability_category": 8, "disability_grade": 1}, {"disability_category": ["残疾类别应为 1–7"]}),
    ({"disability_category": 0, "disability_grade": 1}, {"disability_category": ["残疾类别应为 1–7"]}),
    ({"disability_category": 1, "disability_grade": 0}, {"disability_grade": ["残疾等级应为 1–4"]}),
    ({"disability_grade": 9}, {"disability_grade": ["残疾等级应为 1–4"]}),
    ({"disability_category": None, "disability_grade": 2}, {"disability_category": ["残疾类别与残疾等级须同时填写"]}),
    ({"disability_category": 4, "disability_grade": ""}, {"disability_grade": ["残疾类别与残疾等级须同时填写"]}),
    ({"disability_category": 3, "disability_card": valid_id(seq=41) + "42"},
     {"disability_card": ["残疾人证号中的类别、等级与所填的残疾类别、等级不一致"]}),
    ({"disability_grade": 1, "disability_card": valid_id(seq=41) + "42"},
     {"disability_card": ["残疾人证号中的类别、等级与所填的残疾类别、等级不一致"]}),
    ({"disability_card": valid_id(seq=43) + "42"}, {"disability_card": ["残疾人证号前 18 位应与本人身份证号一致"]}),
])
def test_disability_fields_are_refused_in_these_words(world, fields, errors):
    assert refused(clean_person, new(**fields)) == errors


def test_the_card_gives_category_and_grade_and_the_extremes_pass(world):
    values = clean_person(new(disability_card=valid_id(seq=41) + "42"))
    assert (values["disability_category"], values["disability_grade"]) == (4, 2)
    for category, grade in ((1, 1), (7, 4)):
        values = clean_person(new(disability_category=str(category), disability_grade=grade))
        assert (values["disability_category"], values["disability_grade"]) == (category, grade)
        assert "disability_card_enc" not in values
    values = clean_person(new(disability_category="", disability_grade=""))
    assert (values["disability_category"], values["disability_grade"]) == (None, None)


def test_a_changed_category_needs_the_card_too(world):
    person = disabled(world)
    assert refused(clean_person, {"disability_category": 3, "disability_grade": 2}, person) == {
        "disability_card": ["残疾类别或等级已更改，请一并更新残疾人证号"]}
    same = clean_person({"disability_category": 4, "disability_grade": 2}, person)
    assert "disability_card_enc" not in same and same["disability_grade"] == 2
    recategorised = clean_person({"disability_card": "", "disability_category": 3, "disability_grade": 1}, person)
    assert (recategorised["disability_card_enc"], recategorised["disability_category"]) == ("", 3)
    cleared = clean_person({"disability_category": None, "disability_grade": None}, person)
    assert (cleared["disability_card_enc"], cleared["disability_category"]) == ("", None)
    # without a card on file, category and grade change freely
    person.disability_card_enc = person.disability_card_hash = ""
    assert clean_person({"disability_category": 3, "disability_grade": 1}, person)["disability_category"] == 3


def test_a_partial_edit_keeps_the_disability_fields_it_does_not_name(world):
    person = disabled(world)
    uncarded = clean_person({"disability_card": ""}, person)
    assert (uncarded["disability_card_enc"], uncarded["disability_category"], uncarded["disability_grade"]) == (
        "", 4, 2)
    assert refused(clean_person, {"disability_grade": 3}, person) == {
        "disability_card": ["残疾类别或等级已更改，请一并更新残疾人证号"]}
    person.disability_card_enc = person.disability_card_hash = ""
    regraded = clean_person({"disability_grade": 3}, person)
    assert (regraded["disability_category"], regraded["disability_grade"]) == (4, 3)
    recategorised = clean_person({"disability_category": 1}, person)
    assert (recategorised["disability_category"], recategorised["disability_grade"]) == (1, 2)


# --- households, surveys, follow-ups -------------------------------------------------------------

def test_a_new_household_starts_as_an_ordinary_one(world):
    assert clean_household({"region_code": f" {VILLAGE} "}) == {"region_code": VILLAGE, "poverty_status": "none"}
    assert refused(clean_household, {}) == {"region_code": ["所在村应为 12 位村级区划代码"]}


def test_household_fields_are_refused_in_these_words(world):
    assert refused(clean_household, {"region_code": VILLAGE, "poverty_status": "rich", "address": "x" * 201}) == {
        "poverty_status": ["“rich”不是可选的值"], "address": ["不能超过 200 个字"]}
    assert refused(clean_household, {"region_code": VILLAGE, "monitoring_category": "odd"}) == {
        "monitoring_category": ["“odd”不是可选的值"]}
    assert refused(clean_household, {"region_code": VILLAGE, "relocated": 1, "relocation_site": "安\u202e置点"}) == {
        "relocation_site": ["安置点含有不可见的文字方向控制符或零宽字符（常随从网页、文档复制的文字带入），"
                            "请删除后重新输入"]}
    assert clean_household({"region_code": VILLAGE, "address": "x" * 200})["address"] == "x" * 200
    site = {"region_code": VILLAGE, "relocated": 1}
    assert clean_household({**site, "relocation_site": "x" * 100})["relocation_site"] == "x" * 100
    assert refused(clean_household, {**site, "relocation_site": "x" * 101}) == {
        "relocation_site": ["不能超过 100 个字"]}


def test_a_household_edit_keeps_what_it_does_not_give(world):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE, "poverty_status": "monitored",
                                                          "monitoring_category": "marginal"})
    assert clean_household({"address": "新址"}, household) == {"address": "新址"}
    assert clean_household({"poverty_status": "tuopin"}, household) == {"poverty_status": "tuopin",
                                                                        "monitoring_category": ""}
    assert refused(clean_household, {"monitoring_category": ""}, household) == {
        "monitoring_category": ["监测对象须选择监测类型"]}
    assert clean_household({"relocated": 1, "relocation_site": "安置点"}, household) == {
        "relocated": True, "relocation_site": "安置点"}
    assert Household.objects.get(pk=household.pk).version == 1
    assert clean_household({"region_code": "522633102001"}, household) == {"region_code": "522633102001"}
    assert refused(clean_household, {"region_code": "522633000000"}, household) == {
        "region_code": ["所在村应为 12 位村级区划代码"]}


def test_a_survey_and_a_follow_up_give_back_their_clean_values():
    assert clean_survey(EARLIEST_DAY, " 在家务农 ") == (EARLIEST_DAY, "在家务农")
    assert clean_survey(TODAY, "x" * 5000) == (TODAY, "x" * 5000)
    assert clean_follow_up(TODAY, "resolved", " 已就业 ") == (TODAY, "resolved", "已就业")
    assert clean_follow_up(EARLIEST_DAY, "contact", "x" * 2000)[2] == "x" * 2000
    assert refused(clean_follow_up, TODAY, "contact", "x" * 2001) == {"note": ["不能超过 2000 个字"]}
    assert refused(clean_follow_up, "2026-01-01", "contact", "") == {
        "done_on": ["请填写跟进日期"], "note": ["请填写说明（做了什么、结果如何）"]}
    assert refused(clean_survey, EARLIEST_DAY - datetime.timedelta(days=1), "a\x00") == {
        "visited_on": ["走访日期不能早于 2000-01-01"], "findings": ["含有不可见的控制字符"]}
    assert refused(clean_survey, TODAY + datetime.timedelta(days=1), "在家") == {"visited_on": ["走访日期不能晚于今天"]}
