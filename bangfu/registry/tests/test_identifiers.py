import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bangfu.registry.identifiers import (
    IdentifierError,
    build_resident_id,
    check_char,
    parse_disability_card,
    parse_resident_id,
    validate_phone,
)


def test_it_accepts_known_valid_numbers():
    parsed = parse_resident_id("11010519491231002X")
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.gender == "F"
    assert parsed.address_code == "110105"
    assert parse_resident_id("440524198001010013").gender == "M"


def test_it_normalises_lowercase_x_and_spaces():
    assert parse_resident_id(" 11010519491231002x ").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "18 位"),
        ("1101051949123100", "18 位"),
        ("1101051949123100211", "18 位"),
        ("11010519491231A02X", "前 17 位"),
        ("11010519491231002Y", "第 18 位"),
        ("110105194902300021", "不存在"),   # 30 February
        ("110105194913010021", "不存在"),   # month 13
        ("110105189912310021", "合理范围"),  # before 1900
        ("110105299912310021", "合理范围"),  # in the future
        ("990105194912310021", "地址码"),
        ("110000194912310021", "地址码"),
        ("110105194912310000", "顺序码"),
        ("110105194912310021", "校验码"),
    ],
)
def test_it_names_what_is_wrong(value, fragment):
    with pytest.raises(IdentifierError) as excinfo:
        parse_resident_id(value)
    assert fragment in str(excinfo.value)


def test_it_says_which_check_character_was_expected():
    with pytest.raises(IdentifierError, match="应为 X，而不是 1"):
        parse_resident_id("110105194912310021")


@given(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    st.integers(min_value=1, max_value=999),
)
def test_built_numbers_parse_back(birth, sequence):
    number = build_resident_id("522633", birth, sequence)
    parsed = parse_resident_id(number)
    assert parsed.birth_date == birth
    assert parsed.gender == ("M" if sequence % 2 else "F")


@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_a_wrong_check_character_is_always_caught(number):
    fixed = number[:17].replace("X", "1")
    wrong = "0" if check_char(fixed) != "0" else "1"
    with pytest.raises(IdentifierError):
        parse_resident_id(fixed + wrong)


def test_disability_card_extends_the_id_number():
    rid = "11010519491231002X"
    assert parse_disability_card(rid + "42", rid) == (rid + "42", 4, 2)


@pytest.mark.parametrize(
    ("card", "fragment"),
    [
        ("11010519491231002X4", "20 位"),
        ("44052418800101001442", "一致"),
        ("11010519491231002X82", "类别"),
        ("11010519491231002X05", "类别"),
        ("11010519491231002X45", "等级"),
        ("11010519491231002X40", "等级"),
    ],
)
def test_disability_card_errors(card, fragment):
    with pytest.raises(IdentifierError) as excinfo:
        parse_disability_card(card, "11010519491231002X")
    assert fragment in str(excinfo.value)


def test_phone_numbers():
    assert validate_phone("138 1234 5678") == "13812345678"
    assert validate_phone("+8613812345678") == "13812345678"
    assert validate_phone("0855-6412345") == "0855-6412345"
    for bad in ("12812345678", "1381234567", "abc"):
        with pytest.raises(IdentifierError):
            validate_phone(bad)


def test_mask_keeps_the_ends():
    from bangfu.registry.models import Person

    assert Person.id_number.mask_text("522633198503090113") == "5226**********0113"
    assert Person.id_number.mask_text("123") == "***"
