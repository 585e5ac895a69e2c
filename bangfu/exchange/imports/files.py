"""Reading an uploaded file into sheets of numbered rows: xlsx and xls through python-calamine, csv
in UTF-8 (with or without BOM) or GBK/GB18030.

Rows keep the number the user sees in Excel (1-based, title rows included). What the reader skips
is never lost silently: hidden rows (xlsx), blank rows and 合计/小计/总计 rows are counted and the
hidden and total rows kept in `Sheet.skipped`, for the error report.

Memory: python-calamine parses a sheet into its own (Rust) cell grid, several times smaller than
Python objects; `iter_rows` then makes one Python list per row as it is consumed. Csv files are
decoded and split as a stream. Hidden rows of an xlsx sheet are not exposed by calamine, so they
are read from the sheet's XML with a streaming scan of the `<row …>` tags (`scan_sheet`). An xls
(BIFF) file's hidden rows are not detected: they are read as ordinary rows (documented in
docs/development.md).
"""

import codecs
import csv
import dataclasses
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

import python_calamine
import python_calamine_plus
from django.utils.translation import gettext as _

from bangfu.exchange.imports.values import half_width, is_blank

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
TOTAL_WORDS = ("合计", "小计", "总计")
SNIFF_BYTES = 1 << 20  # the part of a csv file whose encoding is decided before reading it all


class UnreadableFile(ValueError):
    """The file cannot be read at all; str(exc) says why, in the user's language."""


@dataclasses.dataclass
class Skipped:
    row: int
    reason: str  # "hidden" | "total"
    cells: list


@dataclasses.dataclass
class Sheet:
    """One sheet of a file. `rows()` yields (row number, cells) once, skipping hidden, blank and
    total rows (counted in `blank`, kept in `skipped`)."""

    name: str
    _rows: Iterator[tuple[int, list]]
    hidden: frozenset[int] = frozenset()
    first_column: int = 0  # calamine starts a row at the first used column (0 = column A)
    merged: list = dataclasses.field(default_factory=list)  # ((row, col), (row, col)), 0-based, from column A
    # The number of its last row as the file declares it (None when unknown): what a progress bar
    # counts towards before the rows are read (blank, hidden and 合计 rows are in it).
    last_row: int | None = None
    blank: int = 0
    skipped: list[Skipped] = dataclasses.field(default_factory=list)

    def raw_rows(self) -> Iterator[tuple[int, list]]:
        """Every row, blank ones included (the header search reads these)."""
        return self._rows

    def rows(self, rows: Iterator[tuple[int, list]] | None = None) -> Iterator[tuple[int, list]]:
        hidden, skipped = self.hidden, self.skipped
        for number, cells in (self._rows if rows is None else rows):
            first = _first_filled(cells)
            if first is None:
                self.blank += 1
            elif number in hidden:
                skipped.append(Skipped(number, "hidden", cells))
            elif type(first) is str and "计" in first and _is_total_word(first):
                skipped.append(Skipped(number, "total", cells))
            else:
                yield number, cells


def _first_filled(cells: list):
    """The row's first non-blank cell (most often its first cell), or None for a blank row."""
    for cell in cells:
        if cell is not None and cell != "" and not is_blank(cell):
            return cell
    return None


def is_blank_row(cells: list) -> bool:
    return _first_filled(cells) is None


def is_total_row(cells: list) -> bool:
    """A 合计/小计/总计 row: its first non-empty cell is one of these words (合 计, 合计：, 总 计 too)."""
    first = _first_filled(cells)
    return first is not None and _is_total_word(first)


def _is_total_word(cell) -> bool:
    return re.sub(r"[\s:：]", "", half_width(cell)) in TOTAL_WORDS


def read_file(source: str | Path | bytes | BinaryIO, filename: str = "") -> list[Sheet]:
    """The visible sheets of a file (a csv file is one sheet), each read lazily. A path or a
    seekable binary file is read as a stream where the format allows (csv, xlsx); bytes are wrapped."""
    name = filename or (str(source) if isinstance(source, str | Path) else "")
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in EXCEL_SUFFIXES | CSV_SUFFIXES:
        raise UnreadableFile(_("不支持“%(suffix)s”文件：请上传 xlsx、xls 或 csv 文件") % {"suffix": suffix})
    owned = isinstance(source, str | Path)
    # A file opened here is closed when its csv rows end, or once the workbook's sheets are known
    # (an xlsx sheet is then streamed from the path; calamine has read any other workbook whole).
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    if owned:
        handle = Path(source).open("rb")  # noqa: SIM115 (closed by the rows, below)
    magic = handle.read(8)
    handle.seek(0)
    if suffix in CSV_SUFFIXES or (not suffix and not _is_workbook(magic)):
        lines = _line_count(handle)
        return [Sheet(Path(name).stem or "csv", read_csv(handle, close=owned), last_row=lines)]
    try:
        return read_workbook(handle, Path(source) if owned else None)
    finally:
        if owned:
            handle.close()


def _line_count(handle: BinaryIO) -> int:
    """The lines of a csv file (a quoted cell that spans lines counts each): its rows, nearly."""
    lines, last = 0, b"\n"
    while chunk := handle.read(_CHUNK):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    handle.seek(0)
    return lines + (last != b"\n")


def _is_workbook(magic: bytes) -> bool:
    return magic[:4] == b"PK\x03\x04" or magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_workbook(handle: BinaryIO, path: Path | None = None) -> list[Sheet]:
    """An xlsx/xlsm workbook's sheets streamed row by row (python-calamine-plus: memory stays flat
    whatever the size), with the hidden rows and merged ranges of each from a scan of its XML; any
    other workbook (xls, xlsb, ods) read whole by python-calamine."""
    parts = _xlsx_parts(handle)
    handle.seek(0)
    if parts is not None:
        return _streamed_workbook(handle, path, parts)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(handle)
    except python_calamine.PasswordError:
        raise UnreadableFile(_("文件设有密码，请先在 Excel 中取消密码再上传")) from None
    except Exception:  # calamine raises several unrelated types for a damaged or foreign file
        raise _damaged() from None
    sheets = []
    for meta in _visible(book, python_calamine):
        sheet = book.get_sheet_by_name(meta.name)
        sheets.append(Sheet(meta.name, _numbered(sheet.iter_rows()), first_column=sheet.start[1] if sheet.start else 0,
                            merged=list(sheet.merged_cell_ranges or []), last_row=sheet.height))
    return sheets


def _damaged() -> UnreadableFile:
    return UnreadableFile(_("无法读取该文件：它不是有效的 xlsx 或 xls 工作簿（可能已损坏，或只是改了扩展名）"))


def _visible(book, library) -> list:
    """The worksheets a user sees: hidden or very hidden sheets and chart sheets left out."""
    return [meta for meta in book.sheets_metadata
            if meta.visible == library.SheetVisibleEnum.Visible and meta.typ == library.SheetTypeEnum.WorkSheet]


def _streamed_workbook(handle: BinaryIO, path: Path | None, parts: dict[str, "Scanned"]) -> list[Sheet]:
    # A workbook streams one sheet at a time, so each sheet after the first opens its own (from the
    # path, or from the bytes of an upload read once).
    data = None if path else handle.read()

    def open_book():
        try:
            return (python_calamine_plus.CalamineWorkbook.from_path(str(path)) if path
                    else python_calamine_plus.CalamineWorkbook.from_object(io.BytesIO(data)))
        except python_calamine_plus.PasswordError:
            raise UnreadableFile(_("文件设有密码，请先在 Excel 中取消密码再上传")) from None
        except Exception:  # a damaged file: the same refusal as calamine's
            raise _damaged() from None

    book = open_book()
    sheets = []
    for meta in _visible(book, python_calamine_plus):
        scanned = parts.get(meta.name, Scanned(set(), [], None))
        sheets.append(Sheet(meta.name, _stream(book if not sheets else None, open_book, meta.name),
                            frozenset(scanned.hidden), merged=scanned.merged, last_row=scanned.last_row))
    return sheets


def _stream(book, open_book, name: str) -> Iterator[tuple[int, list]]:
    """A sheet's rows from row 1 and column A, read from the file as they are consumed."""
    rows = (book or open_book()).stream_sheet_by_name(name)
    number = 0
    try:
        for number, cells in enumerate(rows, start=1):  # noqa: B007 (the row a failure names)
            yield number, cells
    except python_calamine_plus.CalamineError:
        raise UnreadableFile(_("工作表“%(sheet)s”第 %(row)d 行之后无法读取：文件可能已损坏")
                             % {"sheet": name, "row": number}) from None


def _numbered(rows) -> Iterator[tuple[int, list]]:
    # calamine's iter_rows starts at the sheet's first row (row 1), whatever the first used row is.
    for index, cells in enumerate(rows):
        yield index + 1, cells


# --- csv ---------------------------------------------------------------------------------------


def csv_encoding(head: bytes, whole: bool) -> str:
    """utf-8-sig, utf-8 or gb18030 (a superset of GBK and GB2312): the first whose decoder accepts
    the start of the file (`whole`: it is all of it); anything else (UTF-16, Big5, Latin-1 …) is
    refused rather than guessed."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(_("无法识别文件的编码（UTF-16）：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后上传"))
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=whole)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile(_("无法识别文件的编码：csv 文件应为 UTF-8 或 GBK（GB18030）编码，"
                           "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后上传"))


def read_csv(handle: BinaryIO, *, close: bool = False) -> Iterator[tuple[int, list]]:
    try:
        head = handle.read(SNIFF_BYTES)
        encoding = csv_encoding(head, whole=len(head) < SNIFF_BYTES)
    except UnreadableFile:
        if close:
            handle.close()
        raise
    handle.seek(0)
    return _csv_rows(io.TextIOWrapper(handle, encoding=encoding, newline=""), encoding, close)


def _csv_rows(lines, encoding: str, close: bool) -> Iterator[tuple[int, list]]:
    reader = csv.reader(lines, dialect=_dialect(lines))
    read = 0
    try:
        for cells in reader:
            # A quoted cell may span lines: the row number is the line it starts on, as Excel shows it.
            yield read + 1, cells
            read = reader.line_num
    except UnicodeDecodeError:
        raise UnreadableFile(_("文件第 %(line)d 行附近有不是 %(encoding)s 编码的字符：整个文件应使用同一种编码")
                             % {"line": reader.line_num + 1, "encoding": encoding.upper()}) from None
    except csv.Error as exc:
        raise UnreadableFile(_("csv 文件第 %(line)d 行格式有误：%(error)s")
                             % {"line": reader.line_num, "error": exc}) from None
    finally:
        if close:
            lines.close()


def _dialect(lines):
    """Comma, tab or semicolon, from the first line; commas when it cannot tell."""
    first = lines.readline()
    lines.seek(0)
    for delimiter in (",", "\t", ";"):
        if delimiter in first:
            return _Dialect(delimiter)
    return _Dialect(",")


def _Dialect(delimiter: str):  # noqa: N802 (a small class factory)
    return type("Dialect", (csv.excel,), {"delimiter": delimiter})


# --- hidden rows and merged ranges of an xlsx sheet --------------------------------------------------

_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_CHUNK = 1 << 20


class Scanned(NamedTuple):
    """What the scan of a sheet's XML found: the numbers of its hidden rows, its merged ranges as
    ((row, column), (row, column)), 0-based as calamine gives them, and its last row's number."""

    hidden: set[int]
    merged: list
    last_row: int | None


def _xlsx_parts(handle: BinaryIO) -> dict[str, Scanned] | None:
    """Sheet name → what its XML holds (`scan_sheet`) of an xlsx/xlsm file; None for any other
    file (xls, xlsb, ods, a damaged zip: calamine reads or refuses those)."""
    if handle.read(4) != b"PK\x03\x04":
        return None
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                return None
            return {name: scan_sheet(archive, path) for name, path in _sheet_paths(archive).items()}
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return None


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part, from xl/workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]+)"', tag), re.search(r'\bTarget="([^"]+)"', tag)
        if rid and target:
            targets[rid.group(1)] = target.group(1)
    paths = {}
    for match in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
        attributes = match.group(1)
        name = re.search(r'\bname="([^"]*)"', attributes)
        rid = re.search(r'\br:id="([^"]*)"', attributes) or re.search(r'\b\w+:id="([^"]*)"', attributes)
        if name and rid and rid.group(1) in targets:
            target = targets[rid.group(1)]
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            paths[_unescape(name.group(1))] = path
    return paths


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def scan_sheet(archive: zipfile.ZipFile, path: str) -> Scanned:
    """The rows marked hidden in a sheet's XML, its merged ranges and the number of its last row.
    Read in 1 MB chunks (a tag cut by a chunk's end is read with the next chunk); a chunk without
    either word is passed over with a plain search, and only its last `<row …>` tag is read."""
    hidden: set[int] = set()
    merged = []
    last_row = None
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(_CHUNK):
            buffer = tail + chunk
            cut = buffer.rfind(b"<")
            # Keep an unfinished tag for the next round.
            scan, tail = (buffer[:cut], buffer[cut:]) if cut != -1 and b">" not in buffer[cut:] else (buffer, b"")
            if b"hidden" in scan:
                for match in _ROW_TAG.finditer(scan):
                    attributes = match.group(1)
                    if _HIDDEN.search(attributes) and (number := _ROW_NUMBER.search(attributes)):
                        hidden.add(int(number.group(1)))
            if b"mergeCell" in scan:
                for left, top, right, bottom in _MERGE.findall(scan):
                    merged.append(((int(top) - 1, _column(left)), (int(bottom or top) - 1, _column(right or left))))
            last_row = _last_row(scan, last_row)
    return Scanned(hidden, merged, last_row)


def _last_row(scan: bytes, before: int | None) -> int | None:
    """The number of the last `<row r="…">` tag of the scanned text (rows come in order), else `before`."""
    at = max(scan.rfind(b"<row "), scan.rfind(b":row "))
    if at != -1:
        match = _ROW_TAG.match(scan, scan.rfind(b"<", 0, at + 1))
        number = _ROW_NUMBER.search(match.group(1)) if match else None
        if number:
            return int(number.group(1))
    return before


def _column(letters: bytes) -> int:
    """B → 1, AA → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1
