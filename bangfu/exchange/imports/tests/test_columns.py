"""Columns recognised by name, alias and indicator code; the rest left to a mapping that is
remembered for files of the same shape."""

import pytest

from bangfu.exchange.imports import columns
from bangfu.exchange.imports.kinds import HOUSEHOLD, JOB_SPELL, PERSON
from bangfu.exchange.imports.tables import read_tables
from bangfu.exchange.imports.tests.books import xlsx


@pytest.mark.parametrize(("header", "field"), [
    ("姓名", "name"), ("名字", "name"), ("户主姓名", "name"), ("身份证号", "id_number"), ("证件号码", "id_number"),
    ("公民身份号码", "id_number"), ("联系电话", "phone"), ("手机号码", "phone"), ("家庭成员联系电话", "phone"),
    ("ＡＡＣ００３", "name"), ("aac147", "id_number"), ("姓名(aac003)", "name"), ("AAB301", "region_code"),
    (" 证件 号码 *", "id_number"), ("出生日期：", "birth_date"), ("致贫/返贫风险3", "risk_3"),
    ("就业渠道（易地搬迁后扶使用）", "channel"), ("基本信息/姓名", "name"),
])
def test_it_recognises_a_person_column_by_name_alias_or_indicator_code(header, field):
    assert columns.field_for(header, PERSON) == field


def test_it_recognises_job_columns_with_their_unit_in_brackets():
    assert columns.field_for("务工月收入(元)", JOB_SPELL) == "monthly_income"
    assert columns.field_for("务工情况/务工所在地", JOB_SPELL) == "area"


def test_it_lists_the_columns_it_does_not_know_and_the_required_ones_missing():
    recognition = columns.recognise(["姓名", "身份证", "家里几口人", "", "姓名"], PERSON)
    assert recognition.fields == {0: "name", 1: "id_number"}
    assert recognition.unrecognised == [(2, "家里几口人")]
    assert recognition.duplicates == [(4, "姓名", "name")]
    assert recognition.missing(PERSON) == ["与户主关系"]


def test_the_indicator_code_table_names_fields_of_the_kinds():
    fields = {f.name for kind in (PERSON, HOUSEHOLD, JOB_SPELL) for f in kind.fields}
    assert {field for field, _meaning in columns.INDICATOR_CODES.values()} <= fields


def test_a_saved_mapping_is_applied_to_the_next_file_of_the_same_shape():
    headers = ["姓名", "身份证", "家庭角色", "劳力情况"]
    mapping = columns.save_mapping(headers, PERSON, {2: "relationship", 3: "labour_skill"})
    again = xlsx([["某乡镇台账"], [" 姓名", "身份证 ", "家庭角色", "劳力情况"], ["张三", "x", "户主", "普通劳动力"]])
    table = read_tables(again, "b.xlsx", kind="person", mapping=mapping)[0]
    assert table.recognition.fields == {0: "name", 1: "id_number", 2: "relationship", 3: "labour_skill"}
    assert not table.needs_mapping


def test_a_mapping_can_ignore_a_column_and_is_refused_for_another_shape():
    headers = ["姓名", "身份证", "家庭角色"]
    mapping = columns.save_mapping(headers, PERSON, {2: ""})
    assert columns.apply_mapping(mapping, headers, PERSON).fields == {0: "name", 1: "id_number"}
    with pytest.raises(columns.MappingError, match="表头与保存时不同"):
        columns.apply_mapping(mapping, [*headers, "备注"], PERSON)


def test_a_mapping_refuses_unknown_fields_and_one_field_twice():
    with pytest.raises(columns.MappingError):
        columns.save_mapping(["a", "b"], PERSON, {0: "salary"})
    with pytest.raises(columns.MappingError, match="同一字段"):
        columns.save_mapping(["a", "b"], PERSON, {0: "name", 1: "name"})


def test_the_shape_ignores_width_and_spaces_but_not_order():
    assert columns.signature(["姓名", "证件号码"]) == columns.signature(["姓 名", "证件号码*"])
    assert columns.signature(["姓名", "证件号码"]) != columns.signature(["证件号码", "姓名"])
