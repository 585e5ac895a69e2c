"""Excel workbooks of any registered export, scoped and masked exactly as the pages show them.

Every cell goes through `_safe()`: a text that a spreadsheet would read as a formula (=, +, -, @,
tab or carriage return first) is written as text, so a name typed by a surveyor can never become a
live formula (a HYPERLINK that sends the sheet away) in an officer's workbook.
"""

import io
import itertools
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bangfu.core.exports import Export
from bangfu.regions import codes
from bangfu.regions.models import Region

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FIT_SAMPLE = 1000        # rows read to fit the column widths (the sheet is written in one pass)
MIN_WIDTH, MAX_WIDTH = 6, 50
NAMES_PER_QUERY = 5000   # region codes per IN (...) list
CHUNK = 2000             # rows read from the database at a time (and between progress reports)


def _plain(value):
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return "" if value is None else value


def _safe(sheet, value, **style):
    """A cell for the value; text that looks like a formula is stored as a string, shown as typed."""
    value = _plain(value)
    formula_like = isinstance(value, str) and value.startswith(FORMULA_START)
    if not (formula_like or style):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if formula_like:
        cell.data_type = "s"      # openpyxl would write "=…" as a formula
        cell.quotePrefix = True   # and Excel keeps it text when the cell is edited
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def display_width(value) -> int:
    """Characters a cell needs: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


class RegionNames:
    """Full code -> name of the regions the export's region columns name, looked up chunk by chunk:
    only codes not seen before are asked for, so the memory grows with the regions (a county has a
    few hundred villages), never with the rows."""

    def __init__(self, export: Export):
        self.columns = [column for column in export.columns if column.region_digits]
        self.names: dict[str, str] = {}

    def code(self, column, record) -> str:
        return codes.full_code(str(column.value(record) or "")[:column.region_digits])

    def learn(self, records) -> None:
        seen = {self.code(column, record) for column in self.columns for record in records}
        wanted = sorted(seen - self.names.keys())
        for start in range(0, len(wanted), NAMES_PER_QUERY):
            chunk = wanted[start:start + NAMES_PER_QUERY]
            found = dict(Region.objects.filter(code__in=chunk).values_list("code", "name"))
            self.names.update({code: found.get(code, "") for code in chunk})


def _values(export: Export, records, chunk_size: int):
    """Each record as its row of plain values, the region names of a chunk looked up at once."""
    names = RegionNames(export)
    records = iter(records)
    while chunk := list(itertools.islice(records, chunk_size)):
        names.learn(chunk)
        for record in chunk:
            values = []
            for column in export.columns:
                value = names.names[names.code(column, record)] if column.region_digits else column.value(record)
                values.append(_plain(value))
            yield values


def write(export: Export, records, note: str, out, *, chunk_size: int = CHUNK, progress=None) -> int:
    """A caption line, the bold header, then one row per record, written to `out` (a path or a
    binary file) in one pass with openpyxl's write-only mode: the rows go to a temporary file as
    they come, so memory stays the same for ten rows or a million. `records` may be a database
    iterator; `progress(rows)` is called after each chunk. Answers the number of rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(export.title)[:31])
    sheet.freeze_panes = "A3"
    headers = [str(column.header) for column in export.columns]
    values = _values(export, records, chunk_size)
    sample = list(itertools.islice(values, FIT_SAMPLE))   # the widths must be set before any row
    for index, header in enumerate(headers, start=1):
        fitted = max([display_width(header), *(display_width(row[index - 1]) for row in sample)]) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(max(fitted, MIN_WIDTH), MAX_WIDTH)
    sheet.append([_safe(sheet, note, font=Font(italic=True, color="666666"))])
    sheet.append([_safe(sheet, header, font=Font(bold=True)) for header in headers])
    written = 0
    for row in itertools.chain(sample, values):
        sheet.append([_safe(sheet, value) for value in row])
        written += 1
        if progress is not None and written % chunk_size == 0:
            progress(written)
    book.save(out)
    if progress is not None:
        progress(written)
    return written


def workbook(export: Export, rows, note: str) -> bytes:
    """The workbook as bytes (small exports in tests and scripts)."""
    out = io.BytesIO()
    write(export, rows, note, out)
    return out.getvalue()


def note(user, count: int, limit: int) -> str:
    """The caption: who, when, how many rows (`count` is the list's, the file holds at most `limit`)."""
    text = _("导出人：%(user)s　导出时间：%(at)s　共 %(n)d 行；证件号码与电话已脱敏") % {
        "user": user.get_username(), "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "n": min(count, limit)}
    if count > limit:
        text += _("（已达导出上限 %(limit)d 行，请缩小筛选范围）") % {"limit": limit}
    return text
