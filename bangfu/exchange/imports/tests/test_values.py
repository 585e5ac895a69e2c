"""Cell values as counties type them, normalised or refused with a reason."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bangfu.conftest import valid_id
from bangfu.exchange.imports import values as v

ID = valid_id()  # 52263319850309123X-like, valid


@pytest.mark.parametrize("given", ["１９８５.３.２", "1985.3.2", "1985年3月2日", "19850302", "1985/03/02", "1985-3-2",
                                   " 1985 - 03 - 02 ", 31108, 31108.0, "31108", 19850302,
                                   datetime.datetime(1985, 3, 2, 0, 0),  # noqa: DTZ001 (a cell's datetime is naive)
                                   datetime.date(1985, 3, 2)])
def test_it_reads_dates_in_their_usual_forms(given):
    assert v.date(given) == datetime.date(1985, 3, 2)


@pytest.mark.parametrize("given", ["1985.2.30", "三月二日", "2023", True, -3])
def test_it_refuses_what_is_no_date(given):
    with pytest.raises(v.ValueProblem):
        v.date(given)


@pytest.mark.parametrize("given", ["2023年05月", "2023年5月", "2023.5", 2023.05, "2023-05", "2023/5", "202305", 202305,
                                   "２０２３年０５月", datetime.date(2023, 5, 17), "2023-05-17"])
def test_it_reads_months_as_their_first_day(given):
    assert v.month(given) == datetime.date(2023, 5, 1)


def test_it_reads_october_typed_as_a_number_with_two_digits():
    assert v.month("2023.10") == datetime.date(2023, 10, 1)
    with pytest.raises(v.ValueProblem, match="不存在"):
        v.month("2023年13月")


@pytest.mark.parametrize(("given", "expected"), [
    ("是", True), ("√", True), ("有", True), ("Y", True), ("ｙ", True), (1, True), (True, True),
    ("否", False), ("×", False), ("无", False), ("N", False), (0, False), ("FALSE", False),
])
def test_it_reads_yes_and_no(given, expected):
    assert v.yes_no(given) is expected


def test_it_refuses_an_unclear_yes_no():
    with pytest.raises(v.ValueProblem, match="是/否"):
        v.yes_no("也许")


@pytest.mark.parametrize(("given", "expected"), [
    ("2,000元", "2000.00"), ("0.2万", "2000.00"), ("1.5千", "1500.00"), (3500, "3500.00"), (3500.5, "3500.50"),
    ("２，０００元", "2000.00"), ("2 000", "2000.00"), ("￥800", "800.00"), ("0.35万元", "3500.00"),
])
def test_it_reads_money(given, expected):
    assert v.money(given) == Decimal(expected)


@pytest.mark.parametrize("given", ["两千", "-5", "2000美元"])
def test_it_refuses_money_it_cannot_read(given):
    with pytest.raises(v.ValueProblem):
        v.money(given)


def test_it_normalises_full_width_spaces_and_a_lower_case_x_in_id_numbers():
    with_x = next(valid_id(seq=s) for s in range(1, 999) if valid_id(seq=s).endswith("X"))
    typed = " ".join([with_x[:6], with_x[6:14], with_x[14:]]).lower().translate(
        {ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    assert v.id_number(typed) == with_x


def test_it_refuses_an_id_number_excel_stored_as_a_number_saying_its_digits_are_lost():
    number = float(ID[:17] + "1") if ID[17] == "X" else float(ID)
    with pytest.raises(v.ValueProblem, match="存成了数字.*后几位已经丢失"):
        v.id_number(number)
    with pytest.raises(v.ValueProblem, match="存成了数字"):
        v.id_number(int(ID[:17]))
    with pytest.raises(v.ValueProblem, match="科学计数法"):
        v.id_number("5.22633198503091E+17")


def test_it_says_an_id_number_ending_in_zeros_lost_its_digits():
    with pytest.raises(v.ValueProblem, match="第 15 位以后的数字已经丢失"):
        v.id_number(ID[:15] + "000")


def test_it_passes_on_the_ledger_reason_for_a_bad_check_digit():
    wrong = ID[:17] + ("1" if ID[17] != "1" else "2")
    with pytest.raises(v.ValueProblem, match="校验码"):
        v.id_number(wrong)


def test_it_reads_a_phone_typed_as_a_number_or_with_spaces():
    assert v.phone(13800138000) == "13800138000"
    assert v.phone("138 0013 8000") == "13800138000"
    with pytest.raises(v.ValueProblem):
        v.phone("12345")


def test_it_reads_whole_numbers_with_their_unit():
    assert v.whole_number("６个月") == 6
    assert v.whole_number(12.0) == 12
    with pytest.raises(v.ValueProblem):
        v.whole_number("6.5")


def test_it_keys_headers_alike_whatever_their_width_spaces_and_marks():
    assert v.header_key("证件 号码*") == v.header_key("证件号码：") == v.header_key("证件号码")
    assert v.header_key("就业渠道（易地搬迁后扶使用）") == "就业渠道(易地搬迁后扶使用)"
    assert v.header_key("ＡＡＣ００３") == "aac003"


def test_it_writes_whole_floats_as_text_without_their_point():
    assert v.text(12.0) == "12"
    assert v.text(None) == ""
    assert v.text(" ａｂ ") == "ab"


# --- the ID-number reader of a table (three small tables and a sum, else id_number for the reason) ----

def _outcome(parse, value):
    try:
        return parse(value)
    except v.ValueProblem as exc:
        return ("refused", str(exc))


@pytest.mark.parametrize("given", [
    ID, ID[:17] + "x" if ID[17] == "X" else ID, valid_id(seq=124), valid_id(birth=datetime.date(2012, 1, 31)),
    ID[:17] + ("0" if ID[17] != "0" else "1"),  # a wrong check digit
    "000000" + ID[6:], "520000" + ID[6:], ID[:6] + "19850230" + ID[14:], ID[:6] + "18991231" + ID[14:],
    ID[:14] + "000" + ID[17], ID[:17] + "Y", ID[:16] + "A" + ID[17], "５２２６３３" + ID[6:], " " + ID, ID[:17],
    float(ID[:17] + "0"), "5.22633E+17", "",
])
def test_the_table_reader_of_id_numbers_answers_as_id_number(given):
    assert _outcome(v.id_number_reader(), given) == _outcome(v.id_number, given)


def test_the_table_reader_of_id_numbers_refuses_a_birth_date_after_its_day():
    number = valid_id(birth=datetime.date(2026, 7, 1))
    assert v.id_number_reader(today=datetime.date(2026, 7, 1))(number) == number
    with pytest.raises(v.ValueProblem, match="合理范围"):
        v.id_number_reader(today=datetime.date(2026, 6, 30))(number)


@given(address=st.sampled_from(["522633", "110101", "440106", "990101", "520000"]),
       birth=st.dates(datetime.date(1890, 1, 1), datetime.date(2030, 12, 31)),
       sequence=st.integers(0, 999), last=st.sampled_from([None, *"0123456789Xx"]))
def test_the_table_reader_of_id_numbers_agrees_with_id_number_on_any_number(address, birth, sequence, last):
    number = valid_id(address, birth, sequence)
    if last is not None:
        number = number[:17] + last
    assert _outcome(v.id_number_reader(), number) == _outcome(v.id_number, number)


class _Text(str):
    """A cell's text that misses the short paths (they take str itself): the long way's answer."""


@pytest.mark.parametrize("given", ["13800138000", "12800138000", "1380013800", "138001380000", "010-12345678",
                                   "+8613800138000", "１３８００１３８０００", "1380013800x", "13800138000\n"])
def test_a_mobile_number_takes_the_short_path_with_the_long_ways_answer(given):
    assert _outcome(v.phone, given) == _outcome(v.phone, _Text(given))
    assert _outcome(v.phone, "13800138000") == "13800138000"


def test_the_table_reader_of_id_numbers_checks_on_once_its_tables_are_full(monkeypatch):
    monkeypatch.setattr(v, "ID_TABLE_LIMIT", 1)
    read = v.id_number_reader()
    numbers = [valid_id(birth=datetime.date(1980 + n, 1, 1), seq=11 + n) for n in range(3)]
    assert [read(n) for n in numbers] == numbers
    with pytest.raises(v.ValueProblem, match="校验码"):
        read(numbers[2][:17] + ("0" if numbers[2][17] != "0" else "1"))
