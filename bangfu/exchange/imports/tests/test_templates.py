"""The blank workbook per kind: columns, an example row, drop-down lists, text-formatted
identifiers; and its download."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from bangfu.exchange.imports.kinds import KINDS, PERSON
from bangfu.exchange.imports.tables import read_tables
from bangfu.exchange.imports.templates import LISTS_SHEET, template, template_fields


def _validations(sheet) -> dict[str, str]:
    """Header of the validated column → the list formula."""
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    return {headers[str(v.sqref).split(":")[0].rstrip("0123456789")]: v.formula1
            for v in sheet.data_validations.dataValidation}


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kinds_template_reads_back_with_every_column_recognised(name):
    kind = KINDS[name]
    table = read_tables(template(kind), "t.xlsx", kind=name)[0]
    assert table.header.row == 1
    assert not table.recognition.unrecognised
    assert sorted(table.recognition.fields.values()) == sorted(f.name for f in template_fields(kind))
    assert not table.needs_mapping


def test_the_person_template_has_an_example_row_lists_for_coded_values_and_text_id_cells():
    sheet = openpyxl.load_workbook(io.BytesIO(template(PERSON))).active
    headers = [cell.value for cell in sheet[1]]
    assert "证件号码*" in headers and "与户主关系*" in headers and "文化程度" in headers
    example = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert example["证件号码*"] == "522633199001011233"
    lists = _validations(sheet)
    assert lists["劳动技能"] == '"普通劳动力,技能劳动力,弱劳动力或半劳动力,无劳动力,丧失劳动力"'
    assert "户主" in lists["与户主关系*"]
    column = headers.index("证件号码*") + 1
    assert sheet.cell(500, column).number_format == "@"


def test_long_lists_go_to_a_hidden_sheet():
    villages = [f"第{i}村民组村" for i in range(100)]
    book = openpyxl.load_workbook(io.BytesIO(template(PERSON, {"village": villages, "township": ["丙妹镇"]})))
    lists = book[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    assert [row[0] for row in lists.iter_rows(values_only=True)] == villages
    formulas = _validations(book.worksheets[0])
    assert formulas["村"] == f"'{LISTS_SHEET}'!$A$1:$A$100"
    assert formulas["乡"] == '"丙妹镇"'


def test_an_officer_downloads_a_template_with_the_villages_of_the_county(world):
    client = Client()
    client.force_login(world.alice)
    response = client.get(reverse("import_template", kwargs={"kind": "person"}))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    formulas = _validations(book.worksheets[0])
    assert "大塘村" in formulas["村"] and "高屯村" not in formulas["村"]
    assert client.get(reverse("import_template", kwargs={"kind": "salaries"})).status_code == 404


def test_the_template_needs_a_login(db):
    response = Client().get(reverse("import_template", kwargs={"kind": "person"}))
    assert response.status_code == 302
