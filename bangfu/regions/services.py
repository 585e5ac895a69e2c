"""Loading the national statistical-code table (CSV: code, name, level, parent code)."""

import csv
import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.regions import codes, picker
from bangfu.regions.models import Region

BATCH = 5000
LEVEL_WORDS = {
    "1": codes.PROVINCE, "province": codes.PROVINCE, "省": codes.PROVINCE,
    "2": codes.CITY, "city": codes.CITY, "市": codes.CITY,
    "3": codes.COUNTY, "county": codes.COUNTY, "县": codes.COUNTY,
    "4": codes.TOWNSHIP, "township": codes.TOWNSHIP, "乡镇": codes.TOWNSHIP, "乡": codes.TOWNSHIP,
    "5": codes.VILLAGE, "village": codes.VILLAGE, "村": codes.VILLAGE,
}


@dataclasses.dataclass
class Rejected:
    line: int
    row: list[str]
    reason: str


@dataclasses.dataclass
class LoadResult:
    loaded: int = 0
    rejected: list[Rejected] = dataclasses.field(default_factory=list)

    def write_rejects(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "code", "name", "level", "parent_code", "error"])
            for item in self.rejected:
                writer.writerow([item.line, *(item.row + [""] * 4)[:4], item.reason])


def parse_row(line: int, row: list[str]) -> Region | Rejected:
    """One CSV row as an unsaved Region, or the reason it cannot be one."""
    if len(row) < 3:
        return Rejected(line, row, _("第 %(line)d 行：至少需要 代码、名称、级别 三列") % {"line": line})
    code, name, level_text = (cell.strip() for cell in row[:3])
    parent = row[3].strip() if len(row) > 3 else ""
    if not codes.is_valid_code(code):
        return Rejected(line, row, _("第 %(line)d 行 代码 %(code)s：应为 12 位数字") % {"line": line, "code": code})
    if not name:
        return Rejected(line, row, _("第 %(line)d 行 代码 %(code)s：名称为空") % {"line": line, "code": code})
    level = LEVEL_WORDS.get(level_text.lower())
    if level is None:
        return Rejected(line, row, _("第 %(line)d 行 代码 %(code)s：级别“%(level)s”应为 1–5 或 省/市/县/乡镇/村")
                        % {"line": line, "code": code, "level": level_text})
    if parent and not codes.is_valid_code(parent):
        return Rejected(line, row, _("第 %(line)d 行 代码 %(code)s：上级代码 %(parent)s 应为 12 位数字")
                        % {"line": line, "code": code, "parent": parent})
    if level > codes.PROVINCE and not parent:
        parent = codes.full_code(code[: codes.LEVEL_DIGITS[level - 1]])
    return Region(code=code, name=name[:100], level=level, parent_code=parent)


def read_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if not row or (number == 1 and not row[0].strip().isdigit()):
                continue  # blank line or header
            yield number, row


def load_regions(rows: Iterable[tuple[int, list[str]]]) -> LoadResult:
    """Insert or update every valid row in batches; a rerun of the same file changes nothing."""
    result = LoadResult()
    batch: list[Region] = []

    def flush():
        Region.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent_code"],
        )
        result.loaded += len(batch)
        batch.clear()

    with transaction.atomic():
        for line, row in rows:
            parsed = parse_row(line, row)
            if isinstance(parsed, Rejected):
                result.rejected.append(parsed)
                continue
            batch.append(parsed)
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
    picker.forget()
    return result


def load_regions_file(path: Path) -> LoadResult:
    return load_regions(read_csv(path))


def ensure_regions(nodes: Iterable[tuple[str, str, int]]) -> None:
    """Create (code, name, level) nodes that are missing; existing names are left as they are."""
    regions = [
        Region(code=code, name=name, level=level,
               parent_code="" if level == codes.PROVINCE else codes.full_code(code[: codes.LEVEL_DIGITS[level - 1]]))
        for code, name, level in nodes
    ]
    Region.objects.bulk_create(regions, ignore_conflicts=True, batch_size=BATCH)
    picker.forget()
