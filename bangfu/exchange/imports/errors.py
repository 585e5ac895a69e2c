"""The error workbook of an import: every row that was not imported, as it was given, with its
reasons in a last column, under the header of the table it came from, so that the user can fix the
rows and upload the workbook again (its header is recognised like the original's; the reasons
column is ignored). Rows the reader set aside on purpose (hidden rows, 合计 rows) are listed too,
with what they were, so no row of the user's vanishes without a word.

Written as it goes (openpyxl write-only, one sheet per table with rejected rows) into a 0600 file.
"""

import os
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bangfu.core import datadir
from bangfu.exchange.xlsx import _safe

SKIPPED_REASONS = {"hidden": gettext_lazy("隐藏行，未导入（如需导入，请取消隐藏后重新上传）"),
                   "total": gettext_lazy("合计/小计行，未导入")}


def reasons_text(reasons: list[tuple[str, str]]) -> str:
    """(column, reason) pairs as one cell: 证件号码：…；性别：… ("" column: the whole row)."""
    return "；".join(f"{column}：{reason}" if column else reason for column, reason in reasons)


class ErrorBook:
    """Rows refused by an import, sheet by sheet. `add(table_key, title, headers, row, cells,
    reasons)`; `close()` answers how many rows it holds (the file is removed when there are none)."""

    def __init__(self, path: Path):
        self.path = path
        self.book = Workbook(write_only=True)
        self.sheets: dict[object, object] = {}
        self.titles: set[str] = set()
        self.rows = 0

    def _sheet(self, key, title: str, headers: list[str]):
        sheet = self.sheets.get(key)
        if sheet is None:
            name = _unique((title or _("表格"))[:28], self.titles)
            sheet = self.book.create_sheet(name)
            sheet.append([_header(sheet, h) for h in [_("原行号"), *headers, _("错误原因")]])
            self.sheets[key] = sheet
        return sheet

    def add(self, key, title: str, headers: list[str], row: int, cells: list, reasons: list[tuple[str, str]]) -> None:
        sheet = self._sheet(key, title, headers)
        width = len(headers)
        given = list(cells[:width]) + [None] * (width - len(cells))
        sheet.append([row, *(_safe(sheet, value) for value in given), reasons_text(reasons)])
        self.rows += 1

    def close(self) -> int:
        if not self.rows:
            self.path.unlink(missing_ok=True)
            return 0
        os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, datadir.FILE_MODE))
        self.book.save(self.path)  # into the file made private above
        return self.rows


def _header(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _unique(name: str, taken: set[str]) -> str:
    for invalid in "[]:*?/\\":
        name = name.replace(invalid, "_")
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name[:25]}({n})"
        n += 1
    taken.add(candidate)
    return candidate
