"""A blank workbook per import kind: the columns (required ones marked *), an example row,
drop-down lists for coded values and the user's villages, identifier columns formatted as text
(so Excel cannot turn an ID number into a number and drop its last digits). Lists too long for a
validation formula (over 255 characters, the village list) live on a hidden sheet."""

import io

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from bangfu.exchange.imports.kinds import Kind
from bangfu.regions import codes
from bangfu.regions.models import Region

ROWS = 2000  # rows the drop-down lists and text formats cover
TEXT_FIELDS = frozenset({"id_number", "phone", "household_number", "region_code"})
LISTS_SHEET = "选项"
INLINE_LIMIT = 255  # Excel's limit on a list written in the validation formula itself
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_fields(kind: Kind) -> list:
    """The columns a template offers: every field the ledger keeps, places by name."""
    return [f for f in kind.fields if f.stored and f.name != "region_code"]


def template(kind: Kind, places: dict[str, list[str]] | None = None) -> bytes:
    """The template workbook; `places` (field → names: the user's townships and villages) fill the
    乡 and 村 columns' lists."""
    places = places or {}
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(kind.label)[:31]
    lists = None
    fields = template_fields(kind)
    for column, field in enumerate(fields, start=1):
        letter = get_column_letter(column)
        cell = sheet.cell(1, column, f"{field.label}*" if field.required else str(field.label))
        cell.font = Font(bold=True, color="C00000" if field.required else "000000")
        cell.fill = HEADER_FILL
        example = sheet.cell(2, column, field.example or None)
        sheet.column_dimensions[letter].width = max(10, len(str(field.label)) * 2 + 4)
        if field.name in TEXT_FIELDS:
            example.number_format = "@"
            for row in range(3, ROWS + 2):
                sheet.cell(row, column).number_format = "@"
        words = list(field.vocabulary.offered) if field.vocabulary else places.get(field.name)
        if not words:
            continue
        if len(",".join(words)) <= INLINE_LIMIT:
            formula = '"' + ",".join(words) + '"'
        else:
            lists = lists or book.create_sheet(LISTS_SHEET)
            lists.sheet_state = "hidden"
            list_column = lists.max_column + (1 if lists.max_row > 1 or lists["A1"].value else 0)
            for row, word in enumerate(words, start=1):
                lists.cell(row, list_column, word)
            list_letter = get_column_letter(list_column)
            formula = f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$1:${list_letter}${len(words)}"
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                    errorTitle=_("请从列表中选择"),
                                    error=_("%(label)s只能填写列表中的值") % {"label": field.label})
        validation.add(f"{letter}2:{letter}{ROWS + 1}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def region_names(prefix: str, limit: int = 5000) -> dict[str, list[str]]:
    """The township and village names under a region prefix for a template's lists (none when
    there are more than `limit`: a province's would make a list nobody can use)."""
    rows = list(Region.objects.filter(codes.within(prefix, "code"), level__in=(codes.TOWNSHIP, codes.VILLAGE))
                .order_by("code").values_list("level", "name")[: limit + 1])
    if len(rows) > limit:
        return {}
    names = {"township": [], "village": []}
    for level, name in rows:
        words = names["township" if level == codes.TOWNSHIP else "village"]
        if name not in words:
            words.append(name)
    return names
