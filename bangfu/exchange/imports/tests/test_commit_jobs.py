"""Job spells (（务工月监测）已外出务工信息) and work plans (计划外出务工信息) imported onto people on
file: the spell added, updated or left as it is, the person's employment status following their
open spell, plans turning into wishes and statuses, and rows about nobody on file refused."""

import pytest

from bangfu.conftest import valid_id
from bangfu.exchange.imports import jobs
from bangfu.exchange.imports.tests.books import xlsx
from bangfu.exchange.imports.tests.test_commit import HEAD, SON, WIFE, _error_rows, _family, _import
from bangfu.registry import choices as c
from bangfu.registry.models import EmploymentSpell, Person

JOB_HEADERS = ["县", "乡", "村", "户编号", "姓名", "证件号码", "是否已务工", "务工所在县", "务工所在地", "就业渠道",
               "开始时间", "结束时间", "务工月收入", "年度交通费补助"]
PLAN_HEADERS = ["县", "乡", "村", "户编号", "姓名", "证件号码", "是否计划务工", "计划务工地"]
PLACE = ["从江县", "丙妹镇", "大塘村", "5226331010010007"]


def _spell(name, number, *, working="是", county="广东省东莞市", area="省外", channel="务工就业", start="2023年05月",
           end="", income=4500, subsidy=""):
    return [*PLACE, name, number, working, county, area, channel, start, end, income, subsidy]


def _file(headers, rows, name):
    return (name, xlsx([["（务工月监测）已外出务工信息"], ["导出时间：2026-06-30"], headers, *rows]))


@pytest.fixture
def family(world):
    _import(world.alice, _family())
    return world


def test_a_spell_is_added_and_the_status_follows_the_open_one(family):
    job = jobs.import_files(family.alice, [_file(JOB_HEADERS, [
        _spell("杨大山", HEAD),
        _spell("吴秀英", WIFE, county="从江县", area="县内", channel="公益岗位", start="2024年01月", end="2024年12月",
               income=800),
        _spell("无此人", valid_id(seq=399)),
        _spell("杨小树", SON, working="否"),
    ], "jobs.xlsx")])
    assert job.counts["commit"]["job_spell"] == {"add": 2, "update": 0, "unchanged": 1, "rejected": 1}, job.counts
    head = Person.objects.get(name="杨大山")
    assert head.employment_status == c.EmploymentStatus.OUT_PROVINCE
    spell = EmploymentSpell.objects.get(person=head)
    assert (spell.place, spell.channel, spell.monthly_income, spell.source) == (
        c.SpellPlace.OUT_PROVINCE, c.Channel.SELF_FOUND, 4500, c.SpellSource.IMPORT)
    assert spell.place_text == "广东省东莞市" and spell.end_month is None
    wife = Person.objects.get(name="吴秀英")
    assert wife.employment_status == c.EmploymentStatus.SEEKING  # her post ended
    assert EmploymentSpell.objects.get(person=wife).channel == c.Channel.PUBLIC_WELFARE
    [_header, refused] = _error_rows(job)
    assert "台账中没有此人" in refused[-1]


def test_the_same_spells_again_change_nothing_and_a_new_income_is_an_update(family):
    rows = [_spell("杨大山", HEAD)]
    jobs.import_files(family.alice, [_file(JOB_HEADERS, rows, "jobs.xlsx")])
    again = jobs.import_files(family.alice, [_file(JOB_HEADERS, rows, "jobs.xlsx")])
    assert again.counts["commit"]["job_spell"] == {"add": 0, "update": 0, "unchanged": 1, "rejected": 0}
    preview = jobs.import_files(family.alice, [_file(JOB_HEADERS, [_spell("杨大山", HEAD, income=5200)], "jobs.xlsx")],
                                dry_run=True)
    assert preview.counts["preview"]["job_spell"]["update"] == 1
    assert ["务工月收入（元）", "4500", "5200"] in preview.changes[0]["changes"], preview.changes


def test_a_spell_starting_before_the_open_one_is_refused(family):
    jobs.import_files(family.alice, [_file(JOB_HEADERS, [_spell("杨大山", HEAD, start="2024年03月")], "jobs.xlsx")])
    job = jobs.import_files(family.alice, [_file(JOB_HEADERS, [_spell("杨大山", HEAD, start="2023年01月")],
                                                 "jobs.xlsx")])
    assert job.counts["commit"]["job_spell"]["rejected"] == 1
    assert EmploymentSpell.objects.filter(person__name="杨大山").count() == 1


def test_plans_set_the_status_of_people_without_work_and_the_wish_of_everyone(family):
    jobs.import_files(family.alice, [_file(JOB_HEADERS, [_spell("杨大山", HEAD)], "jobs.xlsx")])
    job = jobs.import_files(family.alice, [("plans.xlsx", xlsx([["计划外出务工信息"], [""], PLAN_HEADERS,
                                                                [*PLACE, "杨大山", HEAD, "是", "县内"],
                                                                [*PLACE, "杨小树", SON, "否", ""]]))])
    assert job.counts["commit"]["job_plan"] == {"add": 0, "update": 2, "unchanged": 0, "rejected": 0}, job.counts
    head, son = Person.objects.get(name="杨大山"), Person.objects.get(name="杨小树")
    assert head.employment_status == c.EmploymentStatus.OUT_PROVINCE and head.wish_travel == c.TravelRange.COUNTY
    assert (son.employment_status, son.not_seeking_reason) == (c.EmploymentStatus.NOT_SEEKING, c.NotSeekingReason.OTHER)


def test_a_plans_service_needs_are_kept_on_the_person(family):
    headers = [*PLAN_HEADERS, "就业服务需求"]
    rows = [[*PLACE, "杨小树", SON, "是", "县内", "职业介绍、技能培训"]]
    job = jobs.import_files(family.alice, [("plans.xlsx", xlsx([["计划外出务工信息"], [""], headers, *rows]))])
    assert job.counts["commit"]["job_plan"]["update"] == 1
    son = Person.objects.get(name="杨小树")
    assert son.service_needs == "职业介绍、技能培训"
    assert son.history.first().history_change_reason.startswith("导入")
    again = jobs.import_files(family.alice, [("plans.xlsx", xlsx([["计划外出务工信息"], [""], headers, *rows]))])
    assert again.counts["commit"]["job_plan"] == {"add": 0, "update": 0, "unchanged": 1, "rejected": 0}


def test_a_spell_rows_service_needs_update_its_person_and_count_as_an_update(family):
    headers = [*JOB_HEADERS, "就业服务需求"]
    jobs.import_files(family.alice, [_file(headers, [[*_spell("杨大山", HEAD), "职业指导"]], "jobs.xlsx")])
    assert Person.objects.get(name="杨大山").service_needs == "职业指导"
    same = jobs.import_files(family.alice, [_file(headers, [[*_spell("杨大山", HEAD), "职业指导"]], "jobs.xlsx")])
    assert same.counts["commit"]["job_spell"] == {"add": 0, "update": 0, "unchanged": 1, "rejected": 0}
    # the spell as it was, the need changed: an update naming the field, written to the person only
    changed = jobs.import_files(family.alice, [_file(headers, [[*_spell("杨大山", HEAD), "创业服务"]], "jobs.xlsx")])
    assert changed.counts["commit"]["job_spell"] == {"add": 0, "update": 1, "unchanged": 0, "rejected": 0}
    assert ["就业服务需求", "职业指导", "创业服务"] in changed.changes[0]["changes"], changed.changes
    assert Person.objects.get(name="杨大山").service_needs == "创业服务"
    assert EmploymentSpell.objects.filter(person__name="杨大山").count() == 1
