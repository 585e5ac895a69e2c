"""Workbooks and csv files the tests make."""

import csv
import io

import openpyxl


def xlsx(rows, *, merges=(), hidden_rows=(), hidden_sheet=False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    for number in hidden_rows:
        sheet.row_dimensions[number].hidden = True
    if hidden_sheet:
        book.create_sheet("隐藏").append(["姓名", "证件号码"])
        book["隐藏"].sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xls(rows) -> bytes:
    import xlwt  # the test extra: the only writer of the old BIFF format on PyPI

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for col, value in enumerate(row):
            if value is not None:
                sheet.write(r, col, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
