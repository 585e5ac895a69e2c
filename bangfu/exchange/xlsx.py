"""Excel workbooks of any registered export, scoped and masked exactly as the pages show them."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bangfu.core.exports import Export


def _cell(value):
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return "" if value is None else value


def workbook(export: Export, rows, note: str) -> bytes:
    """A caption line, the bold header, then one row per record (write-only: constant memory)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(export.title)[:31])
    sheet.freeze_panes = "A3"
    for index, column in enumerate(export.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    caption = WriteOnlyCell(sheet, value=note)
    caption.font = Font(italic=True, color="666666")
    sheet.append([caption])
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for record in rows:
        sheet.append([_cell(column.value(record)) for column in export.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def note(user, count: int, limit: int) -> str:
    text = _("导出人：%(user)s　导出时间：%(at)s　共 %(n)d 行；证件号码与电话已脱敏") % {
        "user": user.get_username(), "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "n": count}
    if count >= limit:
        text += _("（已达导出上限 %(limit)d 行，请缩小筛选范围）") % {"limit": limit}
    return text
