"""The short path of a roster row's figures (rules.plain_month_figures) answers exactly as the full
check (rules.clean_month_figures) does for every row it takes, and leaves every other row to it."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bangfu.employers.employment import rules

MONTHS = st.sampled_from([datetime.date(2024, 2, 1), datetime.date(2023, 2, 1), datetime.date(2024, 4, 1),
                          datetime.date(2024, 5, 1)])
DAYS = st.one_of(st.integers(-2, 33), st.booleans(), st.none(), st.just(""), st.sampled_from(["20", "20.0", "x"]),
                 st.floats(allow_nan=True), st.decimals(allow_nan=True))
AMOUNTS = st.one_of(st.decimals(allow_nan=True, allow_infinity=True), st.decimals(min_value=-5, max_value=2_000_000),
                    st.integers(-5, 2_000_000), st.none(), st.just(""), st.sampled_from(["2600", "-1", "abc"]),
                    st.floats(allow_nan=True))


@given(month=MONTHS, days=DAYS, pay=AMOUNTS, insurance=st.one_of(AMOUNTS, st.just(None)), blank=st.booleans())
def test_the_short_path_agrees_with_the_full_check(month, days, pay, insurance, blank):
    data = {"days_worked": days, "pay": pay}
    if not blank:
        data["insurance"] = insurance
    short = rules.plain_month_figures(data, rules.days_in(month))
    errors, fail = rules._collector()
    full = rules.clean_month_figures(data, month, fail)
    if short is not None:
        assert not errors and short == full
        assert [str(v) for v in short.values()] == [str(v) for v in full.values()]  # the same digits shown
        assert all(type(short[k]) is type(full[k]) for k in full)


def test_it_takes_the_common_row():
    assert rules.plain_month_figures({"days_worked": 30, "pay": Decimal("2600.00"), "insurance": Decimal(15)}, 30) == {
        "days_worked": 30, "pay": Decimal("2600.00"), "insurance": Decimal("15.00")}
    assert rules.plain_month_figures({"days_worked": 31, "pay": Decimal(1)}, 30) is None
    assert rules.plain_month_figures({"days_worked": 3, "pay": "2600"}, 30) is None
