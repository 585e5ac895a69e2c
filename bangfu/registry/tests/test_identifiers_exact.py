"""The exact words a user reads when an identifier is refused, and the edges of what is accepted
(found by scripts/mutation: a message or a range changed without a test noticing)."""

import datetime

import pytest

from bangfu.registry import identifiers
from bangfu.registry.identifiers import (
    IdentifierError,
    build_resident_id,
    normalise_identifier,
    parse_disability_card,
    parse_resident_id,
    validate_phone,
)

RID = "11010519491231002X"


def refusal(parse, *args) -> str:
    with pytest.raises(IdentifierError) as caught:
        parse(*args)
    return str(caught.value)


@pytest.mark.parametrize(("value", "message"), [
    ("", "身份证号应为 18 位，现为 0 位"),
    ("1101051949123100211", "身份证号应为 18 位，现为 19 位"),
    ("11010519491231A02X", "身份证号前 17 位应全为数字"),
    ("11010519491231００2X".replace("０", "٠"), "身份证号前 17 位应全为数字"),  # Arabic-Indic digits
    ("11010519491231002Y", "身份证号第 18 位（校验码）应为数字或 X"),
    ("11010519491231002×", "身份证号第 18 位（校验码）应为数字或 X"),  # a multiplication sign for X
    ("990105194912310021", "身份证号前 6 位“990105”不是有效的县级地址码"),
    ("110000194912310021", "身份证号前 6 位“110000”不是有效的县级地址码"),
    ("110105194902300021", "身份证号中的出生日期 19490230 不存在"),
    ("110105189912310021", "身份证号中的出生日期 1899-12-31 不在合理范围内"),
    ("110105194912310000", "身份证号顺序码不能为 000"),
    ("110105194912310021", "身份证号校验码错误：第 18 位应为 X，而不是 1"),
])
def test_an_id_number_is_refused_with_these_words(value, message):
    assert refusal(parse_resident_id, value) == message


def test_the_birth_date_may_be_today_but_not_tomorrow():
    day = datetime.date(2026, 6, 15)
    assert parse_resident_id(build_resident_id("522633", day, 11), today=day).birth_date == day
    tomorrow = build_resident_id("522633", day + datetime.timedelta(days=1), 11)
    assert refusal(parse_resident_id, tomorrow, day) == "身份证号中的出生日期 2026-06-16 不在合理范围内"
    earliest = build_resident_id("522633", datetime.date(1900, 1, 1), 11)
    assert parse_resident_id(earliest, today=day).birth_date == identifiers.EARLIEST_BIRTH


@pytest.mark.parametrize("province", sorted(identifiers.PROVINCE_CODES))
def test_every_province_code_is_accepted(province):
    number = build_resident_id(province + "0101", datetime.date(1980, 1, 1), 11)
    parsed = parse_resident_id(number)
    assert (parsed.number, parsed.address_code) == (number, province + "0101")


def test_an_address_code_that_only_ends_in_zeros_is_a_county():
    assert parse_resident_id(build_resident_id("110100", datetime.date(1980, 1, 1), 11)).address_code == "110100"


def test_the_sequence_number_gives_the_gender_and_the_check_character_is_computed():
    # GB 11643-1999's own example: 11010519491231002X.
    parsed = parse_resident_id(RID)
    assert parsed == identifiers.ResidentId(RID, "110105", datetime.date(1949, 12, 31), "F")
    assert build_resident_id("110105", datetime.date(1949, 12, 31), 2) == RID
    assert build_resident_id("110105999999", datetime.date(1949, 12, 31), 2) == RID  # a village code: its county
    assert parse_resident_id(build_resident_id("110105", datetime.date(1949, 12, 31), 1)).gender == "M"
    assert identifiers.check_char("34052419800101001") == "X"
    assert identifiers.WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def test_what_a_chinese_input_method_or_a_web_page_adds_is_removed():
    assert normalise_identifier("１１０１０５１９４９１２３１００２ｘ") == RID
    assert normalise_identifier("！～") == "!~"  # the ends of the full-width block
    assert normalise_identifier("1\u200b1\u200c0\u200d1\u20600\ufeff5\u3000x") == "110105X"
    assert normalise_identifier(None) == ""
    assert parse_resident_id("\ufeff" + RID[:9] + "\u200b" + RID[9:]).number == RID


@pytest.mark.parametrize(("card", "message"), [
    (RID + "4", "残疾人证号应为 20 位（身份证号 + 类别 + 等级），现为 19 位"),
    ("44052418800101001442", "残疾人证号前 18 位应与本人身份证号一致"),
    (RID + "82", "残疾人证号第 19 位（残疾类别）应为 1–7，而不是 8"),
    (RID + "02", "残疾人证号第 19 位（残疾类别）应为 1–7，而不是 0"),
    (RID + "A2", "残疾人证号第 19 位（残疾类别）应为 1–7，而不是 A"),
    (RID + "45", "残疾人证号第 20 位（残疾等级）应为 1–4，而不是 5"),
    (RID + "40", "残疾人证号第 20 位（残疾等级）应为 1–4，而不是 0"),
    (RID + "4B", "残疾人证号第 20 位（残疾等级）应为 1–4，而不是 B"),
])
def test_a_disability_card_is_refused_with_these_words(card, message):
    assert refusal(parse_disability_card, card, RID) == message


@pytest.mark.parametrize(("suffix", "category", "grade"), [("11", 1, 1), ("74", 7, 4)])
def test_the_first_and_last_category_and_grade_are_accepted(suffix, category, grade):
    assert parse_disability_card(RID.lower() + suffix, RID.lower()) == (RID + suffix, category, grade)


@pytest.mark.parametrize(("typed", "stored"), [
    ("13812345678", "13812345678"),
    ("19912345678", "19912345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("＋８６１３８１２３４５６７８", "13812345678"),
    ("(0855)6412345", "08556412345"),
    ("010-12345678", "010-12345678"),
    ("0855-6412345", "0855-6412345"),
])
def test_mobiles_and_landlines_are_accepted(typed, stored):
    assert validate_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12812345678", "138123456789", "x13812345678", "0855-641234", "0855-641234567",
                                   "08-6412345", "1855-6412345"])
def test_other_phone_numbers_are_refused_with_the_value_as_typed(typed):
    assert refusal(validate_phone, typed) == f"电话号码“{typed}”应为 11 位手机号或带区号的固定电话"


def test_a_check_character_is_only_computed_over_exactly_17_digits():
    for wrong in ("1101051949123100", "110105194912310021"):
        with pytest.raises(ValueError):
            identifiers.check_char(wrong)
    with pytest.raises(ValueError):  # a short address code makes no number rather than a wrong one
        build_resident_id("11010", datetime.date(1949, 12, 31), 2)
