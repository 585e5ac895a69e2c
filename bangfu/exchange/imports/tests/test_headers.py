"""The header below a title block, over one row or several."""

from bangfu.exchange.imports.files import read_file
from bangfu.exchange.imports.headers import find_header
from bangfu.exchange.imports.tests.books import csv_bytes, xlsx

TITLE = ["（自定义）监测对象信息", None, None, None, None, None, None, None, None]


def _header(data, name="a.xlsx"):
    header, rows = find_header(read_file(data, name)[0])
    return header, list(rows)


def test_it_finds_the_header_on_the_third_row_below_two_merged_title_rows():
    data = xlsx([TITLE, ["导出时间：2026-06-30"], ["县", "乡", "村", "姓名", "证件号码"],
                 ["从江县", "丙妹镇", "大塘村", "张三", "x"]], merges=["A1:I1", "A2:I2"])
    header, rows = _header(data)
    assert (header.row, header.last_row) == (3, 3)
    assert header.names == ["县", "乡", "村", "姓名", "证件号码"]
    assert "监测对象信息" in header.title
    assert rows[0][0] == 4


def test_it_joins_a_header_merged_over_two_rows_into_one_name_per_column():
    data = xlsx([
        TITLE,
        ["姓名", "证件号码", "致贫/返贫风险", None, None, None, None, "务工情况", None],
        [None, None, "1", "2", "3", "4", "5", "务工所在地", "务工月收入"],
        ["张三", "x", "因病", None, None, None, None, "省外", 3000],
    ], merges=["A1:I1", "A2:A3", "B2:B3", "C2:G2", "H2:I2"])
    header, rows = _header(data)
    assert (header.row, header.last_row) == (2, 3)
    assert header.names == ["姓名", "证件号码", "致贫/返贫风险1", "致贫/返贫风险2", "致贫/返贫风险3", "致贫/返贫风险4",
                            "致贫/返贫风险5", "务工情况/务工所在地", "务工情况/务工月收入"]
    assert [n for n, _cells in rows] == [4]


def test_it_joins_a_two_row_header_of_a_csv_file_by_its_shape():
    data = csv_bytes([
        ["县", "姓名", "务工情况", "", "备注"],
        ["", "", "务工所在地", "务工月收入", ""],
        ["从江县", "张三", "省外", "3000", ""],
    ])
    header, rows = _header(data, "a.csv")
    assert header.names == ["县", "姓名", "务工情况/务工所在地", "务工情况/务工月收入", "备注"]
    assert [n for n, _cells in rows] == [3]


def test_it_does_not_take_a_data_row_with_empty_cells_for_a_sub_header():
    data = csv_bytes([["姓名", "证件号码", "备注"], ["张三", "", ""], ["李四", "x", "y"]])
    header, rows = _header(data, "a.csv")
    assert header.last_row == 1
    assert [n for n, _cells in rows] == [2, 3]


def test_it_finds_a_header_of_indicator_codes():
    data = xlsx([["人员信息表"], ["AAC003", "aac147", "aab301"], ["张三", "x", "522633101001"]])
    header, _rows = _header(data)
    assert header.row == 2


def test_it_takes_in_the_row_above_when_the_known_names_are_the_sub_labels():
    data = xlsx([
        ["县", "务工情况", None, None],
        [None, "务工所在地", "开始时间", "务工月收入"],
        ["从江县", "省外", "2023年05月", 3000],
    ], merges=["A1:A2", "B1:D1"])
    header, rows = _header(data)
    assert (header.row, header.last_row) == (1, 2)
    assert header.names == ["县", "务工情况/务工所在地", "务工情况/开始时间", "务工情况/务工月收入"]
    assert [n for n, _cells in rows] == [3]

