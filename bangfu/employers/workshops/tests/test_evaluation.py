import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bangfu.employers.models import CriteriaSet, Purpose
from bangfu.employers.testing import make_employer, make_workshop
from bangfu.employers.workshops import actions
from bangfu.employers.workshops import evaluation as ev
from bangfu.employers.workshops.tests.helpers import VILLAGE, load_guangxi, quarter_months, worker
from bangfu.registry.testing import make_person

Q3_END = datetime.date(2026, 9, 30)
Q3 = quarter_months(2026, 3)


def _results(evaluation) -> dict:
    return {r.measure: r for r in evaluation.results}


def test_it_passes_exactly_at_the_thresholds(world):
    load_guangxi(world.admin)
    workshop = make_workshop(world.alice, VILLAGE, "车间")
    for _ in range(5):
        worker(world.alice, workshop, Q3, insurance=15)
    evaluation = ev.evaluate_one(workshop, Q3_END, Purpose.MONITOR)
    results = _results(evaluation)
    assert evaluation.passed is True
    assert results["tuopin_workers"].value == 5 and results["tuopin_workers"].passed
    assert results["insurance_per_person_month"].value == Decimal("15.00")
    assert results["tuopin_workers"].why == "脱贫劳动力 5 人，须不少于 5 人"


def test_it_fails_one_below_and_says_why(world):
    load_guangxi(world.admin)
    workshop = make_workshop(world.alice, VILLAGE, "车间")
    for _ in range(4):
        worker(world.alice, workshop, Q3, insurance=Decimal("14.99"))
    worker(world.alice, workshop, Q3, poverty="none", insurance=Decimal("14.99"))
    evaluation = ev.evaluate_one(workshop, Q3_END)
    results = _results(evaluation)
    assert evaluation.passed is False
    assert results["tuopin_workers"].why == "脱贫劳动力 4 人，须不少于 5 人"
    assert results["insurance_per_person_month"].why == "人均每月意外伤害保险 14.99 元/人·月，须不少于 15.00 元/人·月"
    assert [r.measure for r in evaluation.failing] == ["tuopin_workers", "insurance_per_person_month"]


def test_monitored_people_count_and_the_others_do_not(world):
    load_guangxi(world.admin)
    workshop = make_workshop(world.alice, VILLAGE, "车间")
    worker(world.alice, workshop, Q3, poverty="monitored")
    worker(world.alice, workshop, Q3, poverty="low_income")
    worker(world.alice, workshop, Q3, poverty="none")
    row = ev.aggregates(ev.Workshop.objects.filter(pk=workshop.pk), Q3[0], Q3_END)[workshop.pk]
    assert (row["tuopin"], row["workers"], row["person_months"]) == (1, 3, 9)


def test_a_worker_who_left_mid_month_counts_for_that_month(world):
    load_guangxi(world.admin)
    workshop = make_workshop(world.alice, VILLAGE, "车间")
    worker(world.alice, workshop, [Q3[0]], days=3)  # left on the 3rd of July
    worker(world.alice, workshop, [Q3[0]], days=0)  # a record without a day worked does not count
    worker(world.alice, workshop, [datetime.date(2026, 6, 1)])  # before the quarter
    row = ev.aggregates(ev.Workshop.objects.filter(pk=workshop.pk), Q3[0], Q3_END)[workshop.pk]
    assert (row["tuopin"], row["person_months"]) == (1, 1)


def test_a_person_counts_in_each_workshop_of_one_employer_they_worked_in(world):
    load_guangxi(world.admin)
    employer = make_employer(world.alice, VILLAGE, "公司")
    first = make_workshop(world.alice, VILLAGE, "一车间", employer=employer)
    second = make_workshop(world.alice, VILLAGE, "二车间", employer=employer)
    person = make_person(world.alice, VILLAGE, "两边干", poverty_status="tuopin")
    worker(world.alice, first, [Q3[0]], person=person)
    # The employment at the first ended; the second employment of the same employer starts later.
    first.employments.update(end_date=datetime.date(2026, 7, 31))
    worker(world.alice, second, [Q3[1]], person=person, start=Q3[1])
    rows = ev.aggregates(ev.Workshop.objects.filter(pk__in=[first.pk, second.pk]), Q3[0], Q3_END)
    assert rows[first.pk]["tuopin"] == 1 and rows[second.pk]["tuopin"] == 1


def test_a_workshop_without_records_fails_with_a_reason(world):
    load_guangxi(world.admin)
    workshop = make_workshop(world.alice, VILLAGE, "空车间")
    results = _results(ev.evaluate_one(workshop, Q3_END))
    assert results["tuopin_workers"].value == 0 and not results["tuopin_workers"].passed
    assert results["insurance_per_person_month"].value is None
    assert "统计期内无出勤记录" in results["insurance_per_person_month"].why


def test_it_says_so_when_no_set_is_in_force(world):
    workshop = make_workshop(world.alice, VILLAGE, "车间")
    evaluation = ev.evaluate_one(workshop, Q3_END)
    assert evaluation.passed is None and evaluation.results == []
    assert "没有适用于车间“车间”" in evaluation.note and "522633101001" in evaluation.note
    load_guangxi(world.admin, region="45")  # Guangxi's own: not for 贵州
    assert ev.evaluate_one(workshop, Q3_END).passed is None


def test_the_longest_prefix_in_force_on_the_date_applies(world):
    load_guangxi(world.admin)
    county = CriteriaSet.objects.create(region_prefix="522633", purpose="monitor", buffer_months=3,
                                        effective_from=datetime.date(2026, 7, 1),
                                        effective_to=datetime.date(2026, 12, 31), name="从江县标准")
    county.criteria.create(measure="workers", comparison="gte", threshold=1, label="至少 1 人")
    workshop = make_workshop(world.alice, VILLAGE, "车间")
    assert ev.evaluate_one(workshop, Q3_END).criteria_set == county
    assert ev.evaluate_one(workshop, datetime.date(2026, 6, 30)).criteria_set.region_prefix == "52"
    assert ev.evaluate_one(workshop, datetime.date(2027, 3, 31)).criteria_set.region_prefix == "52"


def test_criteria_for_other_kinds_are_left_out(world):
    load_guangxi(world.admin)
    workshop = make_workshop(world.alice, VILLAGE, "车间", kind="home")
    criteria_set = CriteriaSet.objects.get(purpose="monitor")
    criteria_set.criteria.create(measure="workers", comparison="gte", threshold=50, kinds=["factory"], label="厂房式")
    assert "workers" not in _results(ev.evaluate_one(workshop, Q3_END))


def test_the_upgrade_measures(world):
    load_guangxi(world.admin)
    workshop = make_workshop(world.alice, VILLAGE, "车间", start_date=datetime.date(2025, 10, 1))
    year = [datetime.date(2025, m, 1) for m in (10, 11, 12)] + [datetime.date(2026, m, 1) for m in range(1, 10)]
    for _ in range(10):
        worker(world.alice, workshop, year, pay=Decimal("1666.67"))
    worker(world.alice, workshop, year, pay=9000, agreement_months=6)  # a short contract: not counted
    actions.do_record_workshop_report(world.alice, workshop, {"year": 2025, "revenue": 499999})
    results = _results(ev.evaluate_one(workshop, Q3_END, Purpose.UPGRADE))
    assert results["months_running"].value == 11 and not results["months_running"].passed
    assert results["tuopin_contract_workers"].value == 10 and results["tuopin_contract_workers"].passed
    assert results["tuopin_average_pay"].value == Decimal("20000.04") and results["tuopin_average_pay"].passed
    assert results["revenue"].value == 499999 and not results["revenue"].passed
    assert ev.evaluate_one(workshop, datetime.date(2026, 10, 1), Purpose.UPGRADE).results[0].passed  # 12 months


def test_who_counts_lists_the_people(world):
    load_guangxi(world.admin)
    workshop = make_workshop(world.alice, VILLAGE, "车间")
    person = worker(world.alice, workshop, Q3)
    worker(world.alice, workshop, Q3, poverty="none")
    assert [p["name"] for p in ev.who_counts(workshop, "tuopin_workers", Q3[0], Q3_END)] == [person.name]
    assert len(ev.who_counts(workshop, "workers", Q3[0], Q3_END)) == 2


def test_many_workshops_are_evaluated_in_a_fixed_number_of_queries(world):
    load_guangxi(world.admin)
    employer = make_employer(world.alice, VILLAGE, "公司")
    workshops = [make_workshop(world.alice, VILLAGE, f"车间{i}", employer=employer) for i in range(6)]
    for workshop in workshops[:3]:
        worker(world.alice, workshop, Q3)
    with CaptureQueriesContext(connection) as queries:
        evaluations = ev.evaluate(ev.Workshop.objects.filter(employer=employer), Q3_END, Purpose.UPGRADE)
    assert len(evaluations) == 6
    assert len(queries) <= 5  # workshops, sets, criteria, records, reports


def test_quarters():
    assert ev.parse_quarter("2026Q3") == datetime.date(2026, 9, 30)
    assert ev.parse_quarter("2026q4") == datetime.date(2026, 12, 31)
    assert ev.period_of(datetime.date(2026, 3, 31), 12) == (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    assert ev.months_between(datetime.date(2025, 1, 31), datetime.date(2026, 1, 30)) == 11
    assert ev.add_months(datetime.date(2024, 8, 31), 6) == datetime.date(2025, 2, 28)
    for bad in ("2026Q5", "26Q1", ""):
        try:
            ev.parse_quarter(bad)
        except ValueError as exc:
            assert "2026Q3" in str(exc)
        else:
            raise AssertionError(bad)
