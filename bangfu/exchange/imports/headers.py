"""Finding the header of a sheet: below its title block, possibly over several rows.

The monitoring exports have two title rows and the header on the third; township workbooks put
anything above it. Among the first SCAN rows, the header row is the one with the most cells that
name a known column (any kind's names, aliases, indicator codes), then the most text cells.

A header may span rows (致贫/返贫风险 merged over 1…5, 务工情况 over 务工地点/月收入). The rows below
the header row belong to it while they continue a merged cell of the rows above (xlsx and xls give
the merged ranges), or, without merge information (csv), while they have the shape of a sub-header:
text only under the blank cells that follow a label, nothing under the labels that stand alone.
Each column's name joins its parts with "/" (a part that is a bare number is appended: 致贫/返贫风险1).
"""

import dataclasses
import functools
import itertools
from collections.abc import Iterator

from bangfu.exchange.imports.columns import INDICATOR_CODES, names_of
from bangfu.exchange.imports.files import Sheet
from bangfu.exchange.imports.kinds import KINDS
from bangfu.exchange.imports.values import half_width, header_key, is_blank, text

SCAN = 20  # rows searched for the header
MAX_HEADER_ROWS = 3


@dataclasses.dataclass
class Header:
    row: int  # the header's first row (as Excel numbers it)
    last_row: int
    names: list[str]  # one per column
    title: str  # the text of the rows above (the export's name, a date line …)


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(itertools.chain.from_iterable(names_of(kind) for kind in KINDS.values())) | frozenset(
        INDICATOR_CODES)


def _is_known(cell) -> bool:
    key = header_key(cell)
    return key in _known() or any(code in key for code in INDICATOR_CODES) or (
        "/" in key and key.rsplit("/", 1)[-1] in _known())


def _is_text(cell) -> bool:
    return isinstance(cell, str) and bool(half_width(cell)) and not half_width(cell).replace(".", "").isdigit()


def _score(cells: list) -> tuple[int, int]:
    return sum(_is_known(cell) for cell in cells), sum(_is_text(cell) for cell in cells)


def find_header(sheet: Sheet) -> tuple[Header | None, Iterator[tuple[int, list]]]:
    """The sheet's header and the rows after it (unread)."""
    rows = sheet.raw_rows()
    head = list(itertools.islice(rows, SCAN))
    candidates = [(i, row) for i, row in enumerate(head) if not all(is_blank(c) for c in row[1])]
    if not candidates:
        return None, rows
    best = max(candidates, key=lambda item: (_score(item[1][1]), -item[0]))[0]
    spans = _spans(sheet.merged, sheet.first_column)

    def joins(block, below) -> bool:
        # A title (one cell, merged across the width or not) is never part of the header.
        if any(_filled_count(cells) < 2 for _n, cells in (*block, below)):
            return False
        return _continues_merge(spans, block, below) if spans else _looks_like_subheader(block[-1][1], below[1])

    # The best row may be the lower row of a multi-row header (its sub-labels are the known names).
    while best > 0 and joins([head[best - 1]], head[best]):
        best -= 1
    block = [head[best]]
    while len(block) < MAX_HEADER_ROWS and best + len(block) < len(head) and joins(block, head[best + len(block)]):
        block.append(head[best + len(block)])
    # Up to the last named column (a streamed xlsx row is as wide as the sheet's declared range).
    width = max(_filled_width(cells) for _number, cells in block)
    names = [_name(_parts(block, spans, column)) for column in range(width)]
    title = " ".join(text(c) for _n, cells in head[:best] for c in cells if not is_blank(c))
    after = head[best + len(block):]
    return Header(block[0][0], block[-1][0], names, title), itertools.chain(after, rows)


def _filled_width(cells: list) -> int:
    return next((index + 1 for index in range(len(cells) - 1, -1, -1) if not is_blank(cells[index])), 0)


def _filled_count(cells: list) -> int:
    return sum(not is_blank(c) for c in cells)


def _spans(merged, first_column: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges as (first row, last row, first column, last column): rows 1-based as Excel
    numbers them, columns as indexes into a row's cells."""
    return [(top + 1, bottom + 1, left - first_column, right - first_column)
            for (top, left), (bottom, right) in merged]


def _continues_merge(spans, block, below) -> bool:
    number, cells = below
    first, last = block[0][0], block[-1][0]
    for top, bottom, left, right in spans:
        if not first <= top <= last:
            continue
        if bottom >= number:  # a header cell merged down over this row
            return True
        if right > left and top == last and any(not is_blank(c) for c in cells[max(left, 0):right + 1]):
            return True  # sub-labels under a label merged across columns
    return False


def _looks_like_subheader(upper: list, lower: list) -> bool:
    """Text only under the blank cells that follow a label (a span), and under at least one such
    label; nothing under a label that stands alone (a vertically merged one)."""
    width = max(len(upper), len(lower))
    upper = upper + [None] * (width - len(upper))
    lower = lower + [None] * (width - len(lower))
    spans = 0
    for j in range(width):
        starts_span = not is_blank(upper[j]) and j + 1 < width and is_blank(upper[j + 1]) and not is_blank(lower[j + 1])
        if not is_blank(lower[j]) and not _is_text(lower[j]) and not str(text(lower[j])).isdigit():
            return False
        if not is_blank(upper[j]):
            if starts_span:
                spans += 1
            elif not is_blank(lower[j]):
                return False
        elif not is_blank(lower[j]) and not _inside_span(upper, j):
            return False
    return spans > 0


def _inside_span(upper: list, j: int) -> bool:
    return any(not is_blank(upper[k]) for k in range(j))


def _parts(block, spans, column: int) -> list[str]:
    parts = []
    for depth, (number, cells) in enumerate(block):
        cell = cells[column] if column < len(cells) else None
        if is_blank(cell):
            cell = _filled(block, depth, number, spans, column)
        word = text(cell) if not is_blank(cell) else ""
        if word and (not parts or parts[-1] != word):
            parts.append(word)
    return parts


def _filled(block, depth: int, number: int, spans, column: int):
    """What a blank header cell shows: the value of the merged cell it lies in; without merge
    information, the label to its left in an upper row of a multi-row header (a span)."""
    for top, bottom, left, right in spans:
        if top <= number <= bottom and left <= column <= right:
            for row_number, cells in block:
                if row_number == top and 0 <= left < len(cells):
                    return cells[left]
    if not spans and depth < len(block) - 1 and any(
            column < len(cells) and not is_blank(cells[column]) for _n, cells in block[depth + 1:]):
        cells = block[depth][1]
        for k in range(min(column, len(cells)) - 1, -1, -1):
            if not is_blank(cells[k]):
                return cells[k]
    return None


def _name(parts: list[str]) -> str:
    name = ""
    for part in parts:
        if not name:
            name = part
        elif part.isdigit():
            name += part
        else:
            name += "/" + part
    return name
