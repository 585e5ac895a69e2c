"""The disabled-employment quota: rule choice, required, shortfall, wage cap, share, exemption."""

import datetime
from decimal import Decimal

from bangfu.conftest import make_person
from bangfu.employers.models import QuotaRule
from bangfu.employers.organisations import quota
from bangfu.employers.organisations.tests.helpers import employ, make_rule
from bangfu.employers.testing import make_employer

VILLAGE = "522633101001"
TODAY = datetime.date(2025, 6, 30)


def _employer(world, **fields):
    return make_employer(world.alice, VILLAGE, "测试公司", **{"staff_count": 200, "disabled_staff_count": 0,
                                                              "average_wage": 80_000, **fields})


def _explain(employer, year=2025):
    return quota.explain(employer, year, today=TODAY)


def test_it_says_so_when_no_rule_covers_the_year(world):
    make_rule(world.admin, year=2024)
    result = _explain(_employer(world))
    assert not result.computed and result.levy is None and result.required is None
    assert "未找到 2025 年" in result.conclusion and "522633101001" in result.conclusion


def test_it_ignores_a_rule_of_another_region(world):
    make_rule(world.admin, region_prefix="522631")
    assert not _explain(_employer(world)).computed


def test_it_takes_the_rule_of_the_longest_covering_prefix(world):
    make_rule(world.admin, region_prefix="", ratio="0.017")
    make_rule(world.admin, region_prefix="52", ratio="0.016")
    county = make_rule(world.admin, region_prefix="522633", ratio="0.015")
    make_rule(world.admin, region_prefix="522633102", ratio="0.014")  # another township
    result = _explain(_employer(world))
    assert result.rule == county
    assert result.required == Decimal("3.0000")


def test_a_national_rule_applies_when_nothing_narrower_does(world):
    national = make_rule(world.admin, region_prefix="")
    assert _explain(_employer(world)).rule == national


def test_it_owes_nothing_exactly_at_the_ratio(world):
    make_rule(world.admin)
    result = _explain(_employer(world, disabled_staff_count=3))  # 200 × 1.5% = 3
    assert (result.required, result.shortfall, result.levy) == (Decimal(3), Decimal(0), Decimal(0))
    assert "已达到规定的安排比例" in result.conclusion


def test_it_charges_the_reduced_share_one_below_the_ratio(world):
    make_rule(world.admin)
    result = _explain(_employer(world, disabled_staff_count=2))  # 2/200 = 1%: reached the reduction
    assert result.shortfall == Decimal(1)
    assert result.wage == Decimal(80_000)
    assert result.share == Decimal("0.5")
    assert result.levy == Decimal("40000.00")
    assert result.steps[-1].text == "1 人 × 80,000 元 × 50% = 40,000 元"
    assert result.steps[-2].text == "单位实际安排比例 1%，达到减征起点 1%，按应缴额的 50% 征收"


def test_it_charges_the_other_share_below_the_reduction(world):
    make_rule(world.admin)
    result = _explain(_employer(world, disabled_staff_count=1))  # 0.5% < 1%
    assert result.shortfall == Decimal(2)
    assert result.share == Decimal("0.9")
    assert result.levy == Decimal("144000.00")
    assert "实际安排比例 0.5%，未达到减征起点 1%" in result.steps[-2].text


def test_it_charges_whole_without_a_reduction(world):
    make_rule(world.admin, reduced_from_ratio="", share_from_reduced="", share_below_reduced="")
    result = _explain(_employer(world, disabled_staff_count=2))
    assert result.share == 1 and result.levy == Decimal("80000.00")
    assert result.steps[-2].text == "参数未设减征，按应缴额全额征收"


def test_it_charges_whole_below_the_reduction_when_that_share_is_empty(world):
    make_rule(world.admin, share_below_reduced="")
    result = _explain(_employer(world, disabled_staff_count=1))
    assert result.share == 1 and result.levy == Decimal("160000.00")


def test_a_fraction_of_a_person_is_owed_too(world):
    make_rule(world.admin)
    result = _explain(_employer(world, staff_count=50, disabled_staff_count=0))  # 50 × 1.5% = 0.75
    assert result.shortfall == Decimal("0.75")
    assert result.levy == Decimal("54000.00")  # 0.75 × 80,000 × 90%


def test_it_exempts_exactly_at_the_exemption_size(world):
    make_rule(world.admin)
    result = _explain(_employer(world, staff_count=30))
    assert result.exempt and result.levy == 0
    assert result.shortfall == Decimal("0.45")
    assert "暂免征收" in result.conclusion


def test_it_charges_one_above_the_exemption_size(world):
    make_rule(world.admin)
    result = _explain(_employer(world, staff_count=31))
    assert not result.exempt
    assert result.levy == (Decimal("0.465") * 80_000 * Decimal("0.9")).quantize(Decimal("0.01"))


def test_no_employer_is_exempt_when_the_limit_is_zero(world):
    make_rule(world.admin, exempt_up_to_staff=0)
    result = _explain(_employer(world, staff_count=1))
    assert not result.exempt and result.levy > 0


def test_it_uses_the_local_average_when_the_employer_gave_no_wage(world):
    make_rule(world.admin)
    result = _explain(_employer(world, disabled_staff_count=2, average_wage=None))
    assert result.wage == Decimal(100_000)
    assert result.levy == Decimal("50000.00")
    assert "未填报" in result.steps[-3].text


def test_it_caps_a_wage_above_the_multiple_of_the_local_average(world):
    make_rule(world.admin)
    result = _explain(_employer(world, disabled_staff_count=2, average_wage=250_000))
    assert result.wage == Decimal(200_000)
    assert result.levy == Decimal("100000.00")
    assert "高于当地社会平均工资的 2 倍（200,000 元）" in result.steps[-3].text


def test_a_wage_exactly_at_the_cap_is_taken_as_it_is(world):
    make_rule(world.admin)
    result = _explain(_employer(world, disabled_staff_count=2, average_wage=200_000))
    assert result.wage == Decimal(200_000)
    assert "未超过上限" in result.steps[-3].text


def test_the_explanation_names_the_rule_and_its_note(world):
    make_rule(world.admin)
    steps = _explain(_employer(world)).steps
    assert "安排比例 1.5%" in steps[0].text and "测试依据〔2025〕1号" in steps[0].text
    assert "区划 52（贵州省）" in steps[0].text
    assert [step.title for step in steps] == ["适用参数", "应安排残疾人就业人数", "已安排残疾人就业人数", "差额人数",
                                              "计征工资", "征收比例", "残疾人就业保障金"]


def test_it_counts_the_disabled_people_employed_under_retirement_age_but_levies_on_the_declared(world):
    make_rule(world.admin, retirement_age_male=60, retirement_age_female=50)
    employer = _employer(world, disabled_staff_count=1)
    disabled = {"disability_category": 4, "disability_grade": 2}
    # Ages on 2025-06-30: a man of 59 and a woman of 49 count; a man of 60, a woman of 50 do not.
    employ(make_person(world.admin, name="甲", seq=21, birth=datetime.date(1965, 7, 1), **disabled), employer)
    employ(make_person(world.admin, name="乙", seq=22, birth=datetime.date(1975, 7, 1), **disabled), employer)
    employ(make_person(world.admin, name="丙", seq=31, birth=datetime.date(1965, 6, 30), **disabled), employer)
    employ(make_person(world.admin, name="丁", seq=32, birth=datetime.date(1975, 6, 30), **disabled), employer)
    employ(make_person(world.admin, name="戊", seq=41), employer)  # not disabled
    employ(make_person(world.admin, name="己", seq=43, **disabled), employer, end=datetime.date(2025, 1, 31))
    result = _explain(employer)
    assert result.in_ledger == 2
    assert result.shortfall == Decimal(2)  # 3 − the declared 1, not the ledger's 2
    assert "有 2 人，仅供核对" in result.steps[2].text


def test_a_past_year_counts_ages_at_its_end(world):
    make_rule(world.admin, year=2020, retirement_age_male=60)
    employer = _employer(world)
    employ(make_person(world.admin, name="甲", seq=21, birth=datetime.date(1960, 12, 31), disability_category=4,
                       disability_grade=2), employer)
    assert quota.explain(employer, 2020, today=TODAY).in_ledger == 0  # 60 on 2020-12-31
    make_rule(world.admin, year=2019, retirement_age_male=60)
    assert quota.explain(employer, 2019, today=TODAY).in_ledger == 1  # 59 on 2019-12-31


def test_an_employer_without_staff_owes_nothing(world):
    make_rule(world.admin)
    result = _explain(_employer(world, staff_count=0))
    assert result.required == 0 and result.levy == 0


def test_the_employers_own_ratio_is_shown_to_two_decimals(world):
    make_rule(world.admin)
    result = _explain(_employer(world, staff_count=120, disabled_staff_count=1))
    assert "实际安排比例 0.83%" in result.steps[-2].text


def test_a_national_rule_is_said_to_be_national(world):
    make_rule(world.admin, region_prefix="")
    assert "区划 全国 的参数" in _explain(_employer(world)).steps[0].text


def test_the_levy_is_rounded_half_up_to_the_fen(world):
    make_rule(world.admin, exempt_up_to_staff=0, reduced_from_ratio="", share_from_reduced="", share_below_reduced="")
    result = _explain(_employer(world, staff_count=1, average_wage=33_331))  # 0.015 × 33,331 = 499.965
    assert result.levy == Decimal("499.97")


def test_a_rule_written_around_the_rules_without_the_reduced_share_charges_whole(world):
    QuotaRule.objects.create(region_prefix="52", year=2025, ratio=Decimal("0.015"), local_average_wage=100_000,
                             reduced_from_ratio=Decimal("0.01"))
    result = _explain(_employer(world, disabled_staff_count=2))
    assert result.share == 1 and result.levy == Decimal("80000.00")


def test_on_29_february_an_age_is_counted_from_28_february(world):
    make_rule(world.admin, year=2024, retirement_age_male=61)  # 61 years before is 1963: no 29 February
    employer = _employer(world)
    disabled = {"disability_category": 4, "disability_grade": 2}
    # Men (odd sequence numbers): 61 on 2024-02-28, and 60 until 2024-03-01.
    employ(make_person(world.admin, name="甲", seq=21, birth=datetime.date(1963, 2, 28), **disabled), employer)
    employ(make_person(world.admin, name="乙", seq=23, birth=datetime.date(1963, 3, 1), **disabled), employer)
    assert quota.explain(employer, 2024, today=datetime.date(2024, 2, 29)).in_ledger == 1
