"""A file read as tables: for each sheet, its header, the export or kind it is, which column holds
which field, and its rows as records — the reading layer's one entry point.

    tables = read_tables(path, "监测对象.xlsx", region_prefix="522633")
    table = tables[0]
    table.export            # the monitoring export recognised by its headers, or None
    table.recognition       # column → field, and the columns the mapping step must ask about
    for record in table.records(places):   # streamed, one row at a time
        record.ok, record.values, record.errors
    table.sheet.skipped, table.sheet.blank   # hidden and total rows, blank rows (after reading)

No database write happens here; `Places` makes the one read (the region's villages).
"""

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from bangfu.exchange.imports import columns, monitoring
from bangfu.exchange.imports.files import Sheet, read_file
from bangfu.exchange.imports.headers import Header, find_header
from bangfu.exchange.imports.kinds import KINDS, Kind
from bangfu.exchange.imports.places import Places
from bangfu.exchange.imports.records import Record, RowReader


class NoTable(ValueError):
    """Nothing in the file looks like a table with a header."""


@dataclasses.dataclass
class Table:
    sheet: Sheet
    header: Header
    kind: Kind
    export: monitoring.Export | None
    recognition: columns.Recognition
    _rows: Iterator[tuple[int, list]]

    @property
    def signature(self) -> str:
        return columns.signature(self.header.names)

    @property
    def estimated_rows(self) -> int | None:
        """The rows below the header as the file declares them (blank, hidden and 合计 rows
        included), before they are read; None when the file does not say."""
        last = self.sheet.last_row
        return None if last is None else max(0, last - self.header.last_row)

    @property
    def needs_mapping(self) -> bool:
        """The user must map columns before the rows can be read: a required field is missing.
        (Unrecognised columns of a monitoring export are ignored: its shape is known.)"""
        return bool(self.recognition.missing(self.kind))

    def records(self, places: Places, *, county6: str = "") -> Iterator[Record]:
        """The data rows as records, read once, as a stream."""
        reader = RowReader(self.kind, self.header.names, self.recognition, places, county6)
        source = self.sheet.name
        for number, cells in self.sheet.rows(self._rows):
            record = reader.read(number, cells)
            record.source = source
            yield record


def read_tables(source: str | Path | bytes | BinaryIO, filename: str = "", *, kind: str | None = None,
                mapping: dict | None = None) -> list[Table]:
    """The tables of a file. `kind` forces the import kind (else the monitoring export its headers
    name, else the kind that recognises most columns); `mapping`, a saved mapping, is applied to
    the sheets of its shape."""
    tables = []
    for sheet in read_file(source, filename):
        header, rows = find_header(sheet)
        if header is None:
            continue
        export = monitoring.recognise_export(header.names)
        chosen = KINDS[kind] if kind else KINDS[export.kind] if export else _best_kind(header.names)
        if mapping and mapping.get("signature") == columns.signature(header.names):
            recognition = columns.apply_mapping(mapping, header.names, chosen)
        else:
            recognition = columns.recognise(header.names, chosen)
        tables.append(Table(sheet, header, chosen, export if export and export.kind == chosen.name else None,
                            recognition, rows))
    if not tables:
        raise NoTable(_("文件中没有找到表头：请确认表格的第一行（或标题下方）是列名"))
    return tables


def _best_kind(headers: list[str]) -> Kind:
    return max(KINDS.values(), key=lambda kind: columns.score(headers, kind))
