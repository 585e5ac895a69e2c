"""Rows to records: the ledger's field values, and every problem as a cell error naming the row,
the column as the file heads it, the value as given and the reason."""

import datetime

import pytest

from bangfu.conftest import REGIONS, valid_id
from bangfu.exchange.imports.kinds import PERSON
from bangfu.exchange.imports.places import Places
from bangfu.exchange.imports.records import group_households, merge, person_data
from bangfu.exchange.imports.tables import read_tables
from bangfu.exchange.imports.tests.books import xlsx
from bangfu.regions.services import ensure_regions
from bangfu.registry import choices as c

HEAD = valid_id(seq=11)
WIFE = valid_id(birth=datetime.date(1987, 6, 1), seq=22)
SON = valid_id(birth=datetime.date(2012, 9, 1), seq=33)
WRONG = HEAD[:17] + ("1" if HEAD[17] != "1" else "2")  # a bad check digit
TITLES = [["（自定义）监测对象信息"], ["导出时间：2026-06-30"]]
HEADERS = ["县", "乡", "村", "户编号", "姓名", "证件号码", "性别", "与户主关系", "户类型", "监测对象类别", "文化程度",
           "在校生状况", "健康状况", "劳动技能", "家庭成员联系电话", "公益性岗位"]


def _row(name, number, relationship, **changes):
    row = dict(zip(HEADERS, ["从江县", "丙妹镇", "大塘村", "5226331010010001", name, number, "", relationship, "脱贫户",
                             "", "初中", "非在校生", "健康", "普通劳动力", "13800138000", "否"], strict=True))
    row.update(changes)
    return [row[h] for h in HEADERS]


@pytest.fixture
def places(db):
    ensure_regions(REGIONS)
    return Places("522633")


def _read(rows, places, kind=None):
    table = read_tables(xlsx([*TITLES, HEADERS, *rows]), "people.xlsx", kind=kind)[0]
    return list(table.records(places))


def test_it_turns_a_monitoring_row_into_the_ledgers_values(places):
    [record] = _read([_row("张三", HEAD, "户主", 监测对象类别="边缘易致贫户", 劳动技能="弱劳动力或半劳动力")], places)
    assert record.ok, record.errors
    assert record.row == 4
    assert person_data(record) == {
        "name": "张三", "id_number": HEAD, "relationship": c.Relationship.HEAD, "region_code": "522633101001",
        "education": c.Education.JUNIOR, "labour_ability": c.LabourAbility.PARTIAL,
        "poverty_status": c.PovertyStatus.MONITORED, "monitoring_category": c.MonitoringCategory.MARGINAL,
        "phone": "13800138000",
    }
    assert record.values["household_number"] == "5226331010010001"


def test_a_student_is_not_labour_seeking_work_and_a_post_holder_works_in_a_public_welfare_post(places):
    son, holder = _read([_row("张小", SON, "之子", 在校生状况="七年级", 劳动技能="无劳动力"),
                         _row("李四", WIFE, "配偶", 公益性岗位="是")], places)
    assert (son.values["employment_status"], son.values["not_seeking_reason"]) == (
        c.EmploymentStatus.NOT_SEEKING, c.NotSeekingReason.STUDYING)
    assert holder.values["employment_status"] == c.EmploymentStatus.PUBLIC_WELFARE


def test_it_reports_unknown_vocabulary_per_cell_and_never_guesses(places):
    [record] = _read([_row("张三", HEAD, "户主", 劳动技能="能干活", 与户主关系="舅舅", 户类型="富裕户")], places)
    assert not record.ok
    reasons = {(e.column, e.value): e.reason for e in record.errors}
    assert set(reasons) == {("劳动技能", "能干活"), ("与户主关系", "舅舅"), ("户类型", "富裕户")}
    assert "普通劳动力" in reasons[("劳动技能", "能干活")]
    assert {e.row for e in record.errors} == {4}
    assert "labour_ability" not in record.values and "relationship" not in record.values


def test_it_rejects_an_id_number_stored_as_a_number_in_so_many_words(places):
    [record] = _read([_row("张三", float(HEAD[:17] + "0"), "户主")], places)
    [error] = record.errors
    assert error.column == "证件号码"
    assert "存成了数字" in error.reason and "丢失" in error.reason


def test_it_rejects_a_gender_that_contradicts_the_id_number(places):
    [record] = _read([_row("张三", HEAD, "户主", 性别="女" if int(HEAD[16]) % 2 else "男")], places)
    assert [e.column for e in record.errors] == ["性别"]


def test_it_rejects_rows_outside_the_users_region_and_requires_what_it_must(places):
    outside, empty = _read([_row("张三", HEAD, "户主", 乡="德凤街道", 村="高屯村"),
                            _row("", WIFE, "")], places)
    assert [e.column for e in outside.errors] == ["村"]
    assert "找不到" in outside.errors[0].reason
    assert {e.column for e in empty.errors} == {"姓名", "与户主关系"}
    assert Places("").village(village="高屯村") == "522631101001"  # an administrator reaches it


def test_it_groups_households_by_number_and_finds_each_head(places):
    records = _read([
        _row("张三", HEAD, "户主"), _row("李四", WIFE, "配偶"),
        _row("王五", valid_id(seq=45), "户主", 户编号="H2"), _row("王六", valid_id(seq=47), "户主", 户编号="H2"),
        _row("赵七", valid_id(seq=49), "之子", 户编号="H3"), _row("孙八", valid_id(seq=51), "户主", 户编号=None),
    ], places)
    groups, loose = group_households(records)
    by_number = {g.number: g for g in groups}
    assert by_number["5226331010010001"].head.values["name"] == "张三"
    assert not by_number["5226331010010001"].problems
    assert by_number["H2"].head is None and "2 个户主" in by_number["H2"].problems[0]
    assert "没有户主" in by_number["H3"].problems[0]
    assert [r.values["name"] for r in loose] == ["孙八"]


def test_rows_of_two_exports_merge_by_id_number_and_conflicts_are_errors(places):
    first = _read([_row("张三", HEAD, "户主", 家庭成员联系电话=None), _row("李四", WRONG, "配偶")], places)
    second = _read([_row("张三", HEAD, "户主", 文化程度="高中")], places)
    merged, unkeyed = merge([*first, *second], PERSON)
    record = merged[HEAD]
    assert record.values["phone"] == "13800138000"  # filled from the second
    assert [(e.column, e.field, e.value) for e in record.errors] == [("文化程度", "education", "senior")]
    assert [r.values["name"] for r in unkeyed] == ["李四"] and unkeyed[0].errors


def test_it_reads_job_spells_and_refuses_an_end_before_the_start(places):
    headers = ["姓名", "证件号码", "是否已务工", "务工所在县", "务工所在地", "就业渠道", "开始时间", "结束时间",
               "务工月收入", "年度交通费补助"]
    rows = [["张三", HEAD, "是", "广东省东莞市", "", "务工就业", "2023年05月", "", "4,500元", "0.05万"],
            ["李四", WIFE, "是", "", "县内", "公益岗位、帮扶车间", "2024.3", "2023.12", 1000, None],
            ["王五", SON, "是", "某工地", "", "打零工", "2024-01", None, None, None]]
    table = read_tables(xlsx([*TITLES, headers, *rows]), "jobs.xlsx")[0]
    assert table.export.name == "monitoring_jobs"
    out, local, unknown = table.records(places, county6="522633")
    assert out.ok and out.values["area"] == c.EmploymentStatus.OUT_PROVINCE
    assert out.values["start"] == datetime.date(2023, 5, 1) and "end" not in out.values
    assert str(out.values["monthly_income"]) == "4500.00" and str(out.values["transport_subsidy"]) == "500.00"
    assert local.values["channel"] == ["public_welfare", "workshop"]
    assert [e.column for e in local.errors] == ["结束时间"]
    assert {e.column for e in unknown.errors} == {"就业渠道", "务工所在县"}


def test_a_file_headed_by_indicator_codes_reads_without_a_mapping(places):
    rows = [["AAC003", "AAC147", "AAB301", "AAE005"],
            ["张三", "５２２６３３" + HEAD[6:].lower(), "522633101002", "１３８ ００１３ ８０００"]]
    table = read_tables(xlsx(rows), "dy11.xlsx", kind="person")[0]
    [record] = table.records(places)
    assert record.values["name"] == "张三" and record.values["id_number"] == HEAD
    assert record.values["region_code"] == "522633101002" and record.values["phone"] == "13800138000"
    assert table.recognition.missing(PERSON) == ["与户主关系"]


# --- the caches a table's reader keeps (one parse per distinct value; every row still reported) ------


def test_a_bad_word_read_from_the_cache_is_still_reported_on_each_row(places):
    rows = [_row("张三", HEAD, "户主", 劳动技能="能干活"), _row("李四", WIFE, "配偶"),
            _row("张小", SON, "之子", 劳动技能="能干活")]
    first, clean, third = _read(rows, places)
    assert clean.ok and clean.values["labour_ability"] == c.LabourAbility.FULL
    for record, row in ((first, 4), (third, 6)):
        [error] = record.errors
        assert (error.row, error.column, error.value, error.field) == (row, "劳动技能", "能干活", "labour_skill")
        assert "普通劳动力" in error.reason
        assert "labour_ability" not in record.values


def test_a_blank_required_cell_read_from_the_cache_is_reported_on_each_row(places):
    first, second = _read([_row("张三", HEAD, ""), _row("李四", WIFE, "")], places)
    assert [(e.row, e.column) for e in first.errors + second.errors] == [(4, "与户主关系"), (5, "与户主关系")]


def test_a_place_not_found_is_reported_on_each_row_that_names_it(places):
    rows = [_row("张三", HEAD, "户主", 村="无此村"), _row("李四", WIFE, "配偶"), _row("张小", SON, "之子", 村="无此村")]
    first, clean, third = _read(rows, places)
    assert clean.values["region_code"] == "522633101001"
    errors = first.errors + third.errors
    assert [(e.row, e.column, e.value) for e in errors] == [(4, "村", "无此村"), (6, "村", "无此村")]
    assert "找不到" in third.errors[0].reason and "region_code" not in third.values


def test_numbers_and_yes_no_cells_are_not_taken_for_one_another(places):
    # 1, 1.0 and True are one key to a dict; a text column reads them differently.
    rows = [["张三", HEAD, "户主", True], ["李四", WIFE, "配偶", 1], ["张小", SON, "之子", 1.5],
            ["王五", WRONG, "之子", 1.0]]
    table = read_tables(xlsx([["姓名", "证件号码", "与户主关系", "民族"], *rows]), "people.xlsx", kind="person")[0]
    assert [r.values["ethnicity"] for r in table.records(places)] == ["是", "1", "1.5", "1"]


def test_a_list_read_from_a_cell_is_each_records_own(places):
    headers = ["姓名", "证件号码", "是否已务工", "务工所在地", "就业渠道", "开始时间"]
    rows = [["张三", HEAD, "是", "县内", "公益岗位、帮扶车间", "2023-05"],
            ["李四", WIFE, "是", "县内", "公益岗位、帮扶车间", "2023-05"]]
    first, second = read_tables(xlsx([*TITLES, headers, *rows]), "jobs.xlsx")[0].records(places)
    first.values["channel"].append("other")
    assert second.values["channel"] == ["public_welfare", "workshop"]


def test_a_column_whose_cache_is_full_reads_on_without_it(places, monkeypatch):
    monkeypatch.setattr("bangfu.exchange.imports.records.CACHE_LIMIT", 1)
    rows = [_row("张三", HEAD, "户主", 劳动技能="能干活"), _row("李四", WIFE, "配偶", 劳动技能="弱劳动力"),
            _row("张小", SON, "之子", 劳动技能="能干活"), _row("张大", valid_id(seq=13), "之子", 劳动技能="弱劳动力")]
    records = _read(rows, places)
    assert [[e.row for e in r.errors] for r in records] == [[4], [], [6], []]
    assert [r.values.get("labour_ability") for r in records] == [None, c.LabourAbility.PARTIAL, None,
                                                                 c.LabourAbility.PARTIAL]
