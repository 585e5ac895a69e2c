import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from bangfu.core.permissions import Forbidden
from bangfu.employers.models import CriteriaSet, Criterion, RentRule
from bangfu.employers.testing import make_workshop
from bangfu.employers.workshops import criteria as cr
from bangfu.employers.workshops import rent
from bangfu.employers.workshops.tests.helpers import GUANGXI, VILLAGE, load_guangxi


def test_the_guangxi_file_loads_its_three_sets(world):
    loaded = load_guangxi(world.admin, region="45")
    assert (loaded.sets, loaded.created, loaded.criteria) == (3, 3, 8)
    monitor = CriteriaSet.objects.get(purpose="monitor")
    assert (monitor.region_prefix, monitor.buffer_months, monitor.period_months) == ("45", 6, 3)
    tuopin = monitor.criteria.get(measure="tuopin_workers")
    assert tuopin.threshold == 5 and len(tuopin.kinds) == 5
    upgrade = CriteriaSet.objects.get(purpose="upgrade")
    assert upgrade.period_months == 12
    assert {(c.measure, c.threshold) for c in upgrade.criteria.all()} == {
        ("months_running", 12), ("tuopin_contract_workers", 10), ("tuopin_average_pay", 20000),
        ("revenue", 500000)}


def test_loading_again_changes_nothing(world):
    load_guangxi(world.admin)
    ids = list(Criterion.objects.values_list("pk", flat=True))
    rows = CriteriaSet.history.count(), Criterion.history.count()
    loaded = load_guangxi(world.admin)
    assert loaded.created == 0
    assert list(Criterion.objects.values_list("pk", flat=True)) == ids
    assert (CriteriaSet.history.count(), Criterion.history.count()) == rows


def test_a_changed_file_replaces_the_criteria_with_history(world, tmp_path):
    load_guangxi(world.admin)
    data = json.loads(GUANGXI.read_text(encoding="utf-8"))
    data["sets"][1]["criteria"][0]["threshold"] = 6
    cr.load_criteria(world.admin, data, region="52")
    monitor = CriteriaSet.objects.get(purpose="monitor")
    assert monitor.criteria.get(measure="tuopin_workers").threshold == 6
    assert Criterion.history.filter(history_type="-", criteria_set_id=monitor.pk).exists()


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["sets"][0]["criteria"][0].update(measure="happiness"), "sets[0] criteria[0]：指标“happiness”不存在"),
    (lambda d: d["sets"][0]["criteria"][1].update(threshold="十五"), "标准值“十五”不是数字"),
    (lambda d: d["sets"][1].pop("buffer_months"), "sets[1]：动态监测标准须有"),
    (lambda d: d["sets"][2].update(effective_to="2021-01-01"), "失效日期早于施行日期"),
    (lambda d: d["sets"][0].update(purpose="praise"), "用途“praise”不是可选的值"),
    (lambda d: d["sets"][0]["criteria"][0].update(kinds=["castle"]), "适用车间类型"),
])
def test_a_bad_file_is_refused_whole_naming_the_place(world, change, message):
    data = json.loads(GUANGXI.read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        cr.load_criteria(world.admin, data)
    assert not CriteriaSet.objects.exists()


def test_only_policy_keepers_load_criteria(world):
    with pytest.raises(Forbidden):
        load_guangxi(world.alice)


def test_the_command_loads_for_another_region(db, capsys):
    call_command("criteria", "load", str(GUANGXI), "--region", "52")
    assert set(CriteriaSet.objects.values_list("region_prefix", flat=True)) == {"52"}
    assert CriteriaSet.history.first().history_user.username == "system"
    with pytest.raises(CommandError, match="no such file"):
        call_command("criteria", "load", "/nonexistent.json")


def test_the_evaluate_command_lists_the_workshops_below_the_standard(world, capsys):
    from bangfu.employers.workshops import lifecycle

    load_guangxi(world.admin)
    workshop = make_workshop(world.alice, VILLAGE, "落后车间")
    lifecycle.do_review(world.alice, workshop)
    lifecycle.do_certify(world.alice, workshop, certificate_number="X1", certified_on=datetime.date(2025, 1, 1),
                         level="county")
    call_command("workshops", "evaluate", "--quarter", "2025Q2", "--region", "522633")
    out = capsys.readouterr().out
    assert "落后车间" in out and "脱贫劳动力 0 人，须不少于 5 人" in out
    assert "2025Q2: evaluated 1 certified workshops, 1 below the standard" in out
    with pytest.raises(CommandError, match="2026Q3"):
        call_command("workshops", "evaluate", "--quarter", "2025-2")


# --- rent ----------------------------------------------------------------------------------------

def _rule(**fields):
    return RentRule.objects.create(**{"region_prefix": "522633", "effective_from": datetime.date(2020, 1, 1),
                                      "name": "三免两减半", "shares": [0, 0, 0, 0.5, 0.5], **fields})


def test_three_free_two_half(world):
    _rule()
    workshop = make_workshop(world.alice, VILLAGE, "车间", start_date=datetime.date(2023, 3, 1), site_rent=12000)
    schedule = rent.schedule(workshop)
    assert [(y.share, y.due, y.waived) for y in schedule.years] == [
        (0, 0, 12000), (0, 0, 12000), (0, 0, 12000), (Decimal("0.5"), 6000, 6000), (Decimal("0.5"), 6000, 6000),
        (1, 12000, 0)]
    assert schedule.years[0].start == datetime.date(2023, 3, 1) and schedule.years[0].end == datetime.date(2024, 2, 29)
    assert schedule.waived == 48000


def test_a_leap_day_start_falls_on_the_28th_in_common_years(world):
    _rule()
    workshop = make_workshop(world.alice, VILLAGE, "车间", start_date=datetime.date(2024, 2, 29), site_rent=1000)
    years = rent.schedule(workshop).years
    assert [y.start for y in years[:5]] == [datetime.date(2024, 2, 29), datetime.date(2025, 2, 28),
                                            datetime.date(2026, 2, 28), datetime.date(2027, 2, 28),
                                            datetime.date(2028, 2, 29)]
    assert years[0].end == datetime.date(2025, 2, 27)


def test_without_start_date_or_rent_there_is_no_schedule(world):
    _rule()
    assert "投产日期" in rent.schedule(make_workshop(world.alice, VILLAGE, "甲", site_rent=1000)).note
    no_rent = make_workshop(world.alice, VILLAGE, "乙", start_date=datetime.date(2024, 1, 1))
    assert rent.schedule(no_rent).years == [] and "年租金" in rent.schedule(no_rent).note


def test_a_rule_that_ended_gives_nothing_to_later_workshops_and_keeps_earlier_ones(world):
    _rule(effective_to=datetime.date(2023, 12, 31))
    before = make_workshop(world.alice, VILLAGE, "早", start_date=datetime.date(2023, 6, 1), site_rent=1000)
    after = make_workshop(world.alice, VILLAGE, "晚", start_date=datetime.date(2024, 1, 1), site_rent=1000)
    assert rent.schedule(before).waived == 4000
    late = rent.schedule(after)
    assert late.rule is None and [y.due for y in late.years] == [1000] and "没有施行中的" in late.note


def test_the_longest_prefix_rule_applies(world):
    _rule(region_prefix="52", shares=[0.5])
    _rule(name="县规则", shares=[0, 0])
    workshop = make_workshop(world.alice, VILLAGE, "车间", start_date=datetime.date(2024, 1, 1), site_rent=100)
    assert rent.schedule(workshop).rule.name == "县规则"


def test_rent_rules_are_checked(world):
    with pytest.raises(ValidationError, match="第 2 年"):
        rent.do_save_rent_rule(world.admin, {"region_prefix": "52", "effective_from": datetime.date(2024, 1, 1),
                                             "shares": [0, 1.5]})
    with pytest.raises(Forbidden):
        rent.do_save_rent_rule(world.alice, {"region_prefix": "52", "effective_from": datetime.date(2024, 1, 1),
                                             "shares": [0]})
    rule = rent.do_save_rent_rule(world.admin, {"region_prefix": "52", "effective_from": datetime.date(2024, 1, 1),
                                                "shares": [0, 0, 0, 0.5, 0.5], "name": "三免两减半"})
    assert rule.history.get().history_user == world.admin


@pytest.mark.parametrize(("comparison", "value", "passes"), [
    ("gte", 5, True), ("gte", 4, False), ("gt", 5, False), ("gt", 6, True),
    ("lte", 5, True), ("lte", 6, False), ("lt", 5, False), ("lt", 4, True),
])
def test_each_comparison_at_and_around_the_threshold(comparison, value, passes):
    assert cr.compare(comparison, value, Decimal(5)) is passes


def test_a_criterion_without_a_label_gets_one(world):
    cleaned = cr.clean_criterion({"measure": "workers", "comparison": "lt", "threshold": 3}, "x")
    assert cleaned["label"] == "吸纳就业人数少于3" and cleaned["kinds"] == []


def test_an_operator_may_resubmit_its_returned_application(world):
    from bangfu.employers.models import EmployerOperator
    from bangfu.employers.testing import make_employer
    from bangfu.employers.workshops import lifecycle

    own = make_employer(world.alice, VILLAGE, "自家公司")
    EmployerOperator.objects.create(user=world.ed, employer=own)
    workshop = make_workshop(world.ed, VILLAGE, "自家车间", employer=own)
    lifecycle.do_return(world.alice, workshop, "补材料")
    assert [m.action for m in lifecycle.allowed_moves(world.ed, workshop)] == ["resubmit"]
    lifecycle.do_resubmit(world.ed, workshop, {"capacity": 30})
    workshop.refresh_from_db()
    assert (workshop.status, workshop.capacity) == ("applied", 30)
