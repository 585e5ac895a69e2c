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


def region_names(export: Export, rows) -> dict[str, str]:
    """Full code -> name of every region the export's region columns name, a few queries in all."""
    wanted = {codes.full_code(str(column.value(record) or "")[:column.region_digits])
              for column in export.columns if column.region_digits for record in rows}
    names, wanted = {}, sorted(wanted)
    for start in range(0, len(wanted), NAMES_PER_QUERY):
        chunk = wanted[start:start + NAMES_PER_QUERY]
        names.update(Region.objects.filter(code__in=chunk).values_list("code", "name"))
    return names


def _values(export: Export, rows, names: dict[str, str]):
    for record in rows:
        values = []
        for column in export.columns:
            value = column.value(record)
            if column.region_digits:
                value = names.get(codes.full_code(str(value or "")[:column.region_digits]), "")
            values.append(_plain(value))
        yield values


def workbook(export: Export, rows, note: str) -> bytes:
    """A caption line, the bold header, then one row per record (write-only: constant memory)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(export.title)[:31])
    sheet.freeze_panes = "A3"
    headers = [str(column.header) for column in export.columns]
    values = _values(export, rows, region_names(export, rows))
    sample = list(itertools.islice(values, FIT_SAMPLE))
    for index, header in enumerate(headers, start=1):
        fitted = max([display_width(header), *(display_width(row[index - 1]) for row in sample)]) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(max(fitted, MIN_WIDTH), MAX_WIDTH)
    sheet.append([_safe(sheet, note, font=Font(italic=True, color="666666"))])
    sheet.append([_safe(sheet, header, font=Font(bold=True)) for header in headers])
    for row in itertools.chain(sample, values):
        sheet.append([_safe(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def note(user, count: int, limit: int) -> str:
    text = _("导出人：%(user)s　导出时间：%(at)s　共 %(n)d 行；证件号码与电话已脱敏") % {
        "user": user.get_username(), "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "n": count}
    if count >= limit:
        text += _("（已达导出上限 %(limit)d 行，请缩小筛选范围）") % {"limit": limit}
    return text
