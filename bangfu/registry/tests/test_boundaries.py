"""The edges of the ledger's rules, where a `<` that became `<=` would go unnoticed otherwise
(found by scripts/mutation)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from bangfu.conftest import valid_id
from bangfu.core import crypto
from bangfu.registry import actions, identifiers, services
from bangfu.registry.models import Household
from bangfu.registry.validation import clean_person, clean_text

DAY = datetime.date(2026, 6, 15)


@pytest.mark.parametrize(("birth", "ability", "labour"), [
    (datetime.date(2010, 6, 15), "full", True),     # 16 today
    (datetime.date(2010, 6, 16), "full", False),    # 16 tomorrow
    (datetime.date(1966, 6, 16), "full", True),     # 59, turns 60 tomorrow
    (datetime.date(1966, 6, 15), "full", False),    # 60 today
    (datetime.date(1990, 1, 1), "partial", True),
    (datetime.date(1990, 1, 1), "none", False),
])
def test_working_age_is_16_to_59_with_some_ability(birth, ability, labour):
    assert services.is_labour(birth, ability, today=DAY) is labour


def test_age_turns_on_the_birthday():
    assert services.age_on(datetime.date(2000, 6, 15), DAY) == 26
    assert services.age_on(datetime.date(2000, 6, 16), DAY) == 25
    assert services.working_age_births(DAY) == (datetime.date(1966, 6, 16), datetime.date(2010, 6, 15))
    # 16 and 60 are multiples of 4: only a century that is no leap year has no 29 February.
    assert services.working_age_births(datetime.date(2116, 2, 29))[1] == datetime.date(2100, 2, 28)


@pytest.mark.parametrize("birth", [identifiers.EARLIEST_BIRTH, datetime.date.today()])  # noqa: DTZ011
def test_the_earliest_and_latest_birth_dates_are_accepted(birth):
    number = identifiers.build_resident_id("522633", birth, 11)
    assert identifiers.parse_resident_id(number).birth_date == birth


def test_spaces_and_a_lower_case_x_inside_an_id_number_are_normalised():
    number = valid_id(seq=11)
    spaced = f" {number[:6]} {number[6:14]} {number[14:].lower()} "
    assert identifiers.parse_resident_id(spaced).number == number
    card = identifiers.parse_disability_card(f"{number[:9]} {number[9:]} 41", number)
    assert card == (number + "41", 4, 1)


def test_a_value_exactly_as_long_as_what_the_mask_keeps_is_all_stars():
    from bangfu.registry.models import Person

    assert Person.id_number.mask_text("12345678") == "********"
    assert Person.id_number.mask_text("123456789") == "1234*6789"
    assert Person.id_number.mask_text("") == ""


def test_empty_values_seal_to_empty_and_hashes_ignore_case(settings):
    assert (crypto.encrypt(""), crypto.decrypt(""), crypto.lookup_hash("")) == ("", "", "")
    assert crypto.lookup_hash("52263319850309011x") == crypto.lookup_hash("52263319850309011X")
    assert len(crypto.lookup_hash("x")) == 32
    with pytest.raises(ValueError, match="base64"):
        crypto.decode_key("not base64!" + "A" * 33)
    with pytest.raises(ValueError, match="32 bytes"):
        crypto.decode_key("AAAA")


def test_clean_text_stops_at_the_limit_and_at_control_characters():
    assert clean_text("x" * 5, 5) == ("x" * 5, None)
    assert clean_text("x" * 6, 5)[1] == "不能超过 5 个字"
    assert clean_text("a\x1fb", 5)[1] == "含有不可见的控制字符"
    assert clean_text("a b\tc", 9) == ("a b\tc", None)


def errors(data, person=None):
    with pytest.raises(ValidationError) as caught:
        clean_person(data, person)
    return caught.value.message_dict


def base(**fields):
    return {"name": "陈七", "id_number": valid_id(seq=41), "region_code": "522633101001",
            "relationship": "head", "labour_ability": "full", "poverty_status": "none",
            "employment_status": "seeking", **fields}


@pytest.mark.parametrize("field", ["relationship", "labour_ability", "poverty_status", "employment_status"])
def test_a_required_choice_left_empty_is_refused(world, field):
    assert errors(base(**{field: ""}))[field] == ["此项必填"]


@pytest.mark.parametrize("field", ["education", "monitoring_category", "not_seeking_reason", "wish_travel",
                                   "wish_hours"])
def test_an_optional_choice_outside_its_list_is_refused(world, field):
    assert errors(base(**{field: "nonsense"}))[field] == ["“nonsense”不是可选的值"]


def test_wish_pay_is_a_whole_number_from_0_to_1_000_000(world):
    for pay in (0, 1_000_000):
        assert clean_person(base(wish_pay=pay))["wish_pay"] == pay
    for pay in (-1, 1_000_001, "3000", 2.5):
        assert "wish_pay" in errors(base(wish_pay=pay))
    assert clean_person(base(wish_pay=""))["wish_pay"] is None


def test_text_fields_have_their_limits(world):
    assert clean_person(base(name="张" * 50))["name"] == "张" * 50
    assert errors(base(name="张" * 51)) == {"name": ["不能超过 50 个字"]}
    for field, limit in (("relocation_site", 100), ("employer_name", 200), ("wish_jobs", 200),
                         ("training_wishes", 200), ("notes", 5000)):
        assert clean_person(base(**{field: "x" * limit}))[field] == "x" * limit
        assert errors(base(**{field: "x" * (limit + 1)}))[field] == [f"不能超过 {limit} 个字"]


def test_a_person_lives_in_a_village_not_a_township_or_county(world):
    assert errors(base(region_code="522633000000")) == {"region_code": ["所在村应为 12 位村级区划代码"]}
    assert errors(base(region_code="522633101000")) == {"region_code": ["所在村应为 12 位村级区划代码"]}


def test_an_edit_may_resubmit_the_persons_own_id_number(world):
    values = clean_person({"id_number": valid_id(seq=11), "wish_jobs": "保安"}, world.person)
    assert values["wish_jobs"] == "保安"


def test_a_disability_category_that_is_not_a_number_is_refused(world):
    assert errors(base(disability_category="abc", disability_grade=1)) == {
        "disability_category": ["残疾类别应为 1–7"]}
    assert errors(base(disability_category=4, disability_grade=5)) == {"disability_grade": ["残疾等级应为 1–4"]}


def test_a_household_id_that_does_not_exist_is_refused(world):
    assert errors(base(household=10**9)) == {"household": ["家庭户不存在"]}


def test_households_of_one_village_are_numbered_in_turn(world):
    first = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    second = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    other = actions.do_create_household(world.alice, {"region_code": "522633101002"})
    assert (first.number, second.number, other.number) == (
        "5226331010010001", "5226331010010002", "5226331010020001")
    assert Household.objects.count() == 3
