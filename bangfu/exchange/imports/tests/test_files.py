"""Reading files: xlsx, xls and csv in the encodings counties save them in, every row numbered as
Excel shows it, hidden, blank and 合计 rows skipped but counted."""

import codecs
import gc
import warnings

import openpyxl
import pytest

from bangfu.exchange.imports import files
from bangfu.exchange.imports.files import UnreadableFile, read_file
from bangfu.exchange.imports.tables import read_tables
from bangfu.exchange.imports.tests.books import csv_bytes, xls, xlsx

ROWS = [["姓名", "证件号码"], ["张三", "522633198503091234"], ["李四", "522633198503091250"]]


def _rows(sheet):
    return list(sheet.rows())


def test_it_reads_utf8_csv_with_or_without_bom():
    plain = read_file(csv_bytes(ROWS), "a.csv")[0]
    bom = read_file(codecs.BOM_UTF8 + csv_bytes(ROWS), "a.csv")[0]
    assert _rows(plain) == _rows(bom) == [(1, ROWS[0]), (2, ROWS[1]), (3, ROWS[2])]


def test_it_reads_gbk_csv():
    rows = [["姓名", "乡镇"], ["龙秀英", "丙妹镇"], ["蒙兴", "贯洞镇"]]
    sheet = read_file(csv_bytes(rows, "gbk"), "gbk.csv")[0]
    assert [cells for _n, cells in sheet.rows()] == rows


def test_it_refuses_an_encoding_it_does_not_read_instead_of_guessing():
    with pytest.raises(UnreadableFile, match="无法识别文件的编码"):
        read_file(csv_bytes(ROWS, "utf-16"), "a.csv")
    with pytest.raises(UnreadableFile, match="UTF-8 或 GBK"):
        read_file(b"\x81\x30\xff\xfe\x00" * 10, "a.csv")


def test_it_reads_xls_written_by_old_excel():
    sheet = read_file(xls(ROWS), "old.xls")[0]
    assert _rows(sheet) == [(1, ROWS[0]), (2, ROWS[1]), (3, ROWS[2])]


def test_it_numbers_rows_as_excel_does_below_title_rows():
    data = xlsx([["（自定义）监测对象信息"], ["导出时间：2026-06-30"], *ROWS])
    assert [n for n, _cells in read_file(data, "a.xlsx")[0].rows()] == [1, 2, 3, 4, 5]


def test_it_skips_hidden_blank_and_total_rows_but_counts_them():
    data = xlsx([*ROWS, [None, None], ["王五", "x"], ["合 计", "3"], ["小计：", ""], ["总计", 9]],
                hidden_rows=[5])
    sheet = read_file(data, "a.xlsx")[0]
    assert [n for n, _cells in sheet.rows()] == [1, 2, 3]
    assert sheet.blank == 1
    assert [(s.row, s.reason) for s in sheet.skipped] == [(5, "hidden"), (6, "total"), (7, "total"), (8, "total")]
    assert sheet.skipped[0].cells == ["王五", "x"]


def test_a_sheet_declares_its_last_row_before_it_is_read(monkeypatch):
    # xlsx: the number of the last <row> tag of its XML (blank, hidden and 合计 rows counted), read
    # from the last tag of each chunk (a tag cut by a chunk's end read with the next chunk).
    data = xlsx([["title"], *ROWS, [None], ["王五", "x"], ["合计", 2]], hidden_rows=[6])
    assert read_file(data, "a.xlsx")[0].last_row == 7
    monkeypatch.setattr(files, "_CHUNK", 37)
    [sheet] = read_file(data, "a.xlsx")
    assert (sheet.last_row, sheet.hidden) == (7, {6})
    monkeypatch.undo()
    assert read_file(xlsx([["a"]]), "a.xlsx")[0].last_row == 1
    # csv: its lines, with or without a last line break (a quoted cell over two lines counts two).
    assert read_file(csv_bytes(ROWS), "a.csv")[0].last_row == 3
    assert read_file(csv_bytes(ROWS).rstrip(b"\r\n"), "a.csv")[0].last_row == 3
    assert read_file(csv_bytes([["a"], ["b\nc"]]), "a.csv")[0].last_row == 3
    assert read_file(b"", "a.csv")[0].last_row == 0
    # A workbook calamine reads whole: its height.
    assert read_file(xls([*ROWS, ["王五", "x"]]), "old.xls")[0].last_row == 4


def test_a_table_counts_the_rows_below_its_header_before_reading_them():
    [table] = read_tables(xlsx([["（自定义）监测对象信息"], ["导出时间：2026-06-30"], *ROWS, [None], ["王五", "x"]]),
                          "a.xlsx")
    assert table.header.last_row == 3 and table.estimated_rows == 4  # the blank row too
    table.sheet.last_row = None  # a file that does not say
    assert table.estimated_rows is None


def test_it_leaves_hidden_sheets_out():
    sheets = read_file(xlsx(ROWS, hidden_sheet=True), "a.xlsx")
    assert [s.name for s in sheets] == ["Sheet"]


def test_it_refuses_a_file_that_is_no_workbook():
    with pytest.raises(UnreadableFile, match="不是有效的 xlsx 或 xls"):
        read_file(b"PK\x03\x04 not really a zip", "a.xlsx")
    with pytest.raises(UnreadableFile, match="不支持"):
        read_file(b"%PDF-1.4", "a.pdf")


def test_it_numbers_a_csv_row_after_a_cell_spanning_lines_by_its_first_line():
    data = '姓名,备注\n张三,"第一行\n第二行"\n李四,无\n'.encode()
    assert [n for n, _cells in read_file(data, "a.csv")[0].rows()] == [1, 2, 4]


@pytest.mark.parametrize(("name", "data"), [("a.csv", csv_bytes(ROWS)), ("a.xlsx", xlsx(ROWS))], ids=["csv", "xlsx"])
def test_a_file_read_from_a_path_is_closed_once_read(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(_rows(read_file(path)[0])) == 3
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_the_sheets_of_one_workbook_stream_side_by_side(tmp_path):
    # A workbook streams one sheet at a time: each further sheet reads from a workbook of its own.
    book = openpyxl.Workbook()
    book.active.append(["姓名"])
    book.active.append(["张三"])
    second = book.create_sheet("第二")
    second.append(["姓名"])
    second.append(["李四"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    for source in (path, path.read_bytes()):
        first, other = (iter(sheet.rows()) for sheet in read_file(source, "two.xlsx"))
        assert [next(first), next(other), next(first), next(other)] == [
            (1, ["姓名"]), (1, ["姓名"]), (2, ["张三"]), (2, ["李四"])]


def test_it_reads_the_merged_ranges_and_hidden_rows_of_an_xlsx_sheet_from_its_xml():
    [sheet] = read_file(xlsx([["a", None, None, "b"], ["c"], ["d"], ["e"]], merges=["A1:C1", "D1:D3", "AA30:AB31"],
                             hidden_rows=[3]), "a.xlsx")
    assert sorted(sheet.merged) == [((0, 0), (0, 2)), ((0, 3), (2, 3)), ((29, 26), (30, 27))]
    assert sheet.hidden == {3}
