"""The GB/T 4754-2017 industry classification: loaded from a CSV of code,name (rerunnable).

bangfu ships the 20 门类 and 97 大类 (data/industries.csv, loaded by a migration); a county that
wants the 中类 and 小类 loads the standard's full table with `bangfu industries load FILE.csv`.
"""

import csv
import dataclasses
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.employers.models import Industry

BUNDLED = Path(__file__).parent / "data" / "industries.csv"

# The 大类 (two-digit divisions) of each 门类, as GB/T 4754-2017 numbers them.
SECTIONS = (("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50), ("F", 51, 52),
            ("G", 53, 60), ("H", 61, 62), ("I", 63, 65), ("J", 66, 69), ("K", 70, 70), ("L", 71, 72),
            ("M", 73, 75), ("N", 76, 79), ("O", 80, 82), ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90),
            ("S", 91, 96), ("T", 97, 97))


def section_of(code: str) -> str | None:
    if len(code) == 1:
        return code if any(code == letter for letter, _low, _high in SECTIONS) else None
    division = int(code[:2])
    return next((letter for letter, low, high in SECTIONS if low <= division <= high), None)


def parent_code(code: str) -> str | None:
    if len(code) == 1:
        return None
    return section_of(code) if len(code) == 2 else code[:-1]


@dataclasses.dataclass
class LoadResult:
    loaded: int = 0
    rejected: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)  # (line, code, reason)


def _reason(code: str, name: str, known: set[str]) -> str | None:
    if not name:
        return _("缺少行业名称")
    if not (len(code) == 1 and code.isalpha() and code.isupper() or 2 <= len(code) <= 4 and code.isdigit()):
        return _("行业代码应为门类字母或2至4位数字")
    if section_of(code) is None:
        return _("不属于GB/T 4754-2017的任何门类")
    parent = parent_code(code)
    if parent is not None and parent not in known:
        return _("上级分类%(parent)s不存在") % {"parent": parent}
    return None


@transaction.atomic
def load_industries(rows: Iterable[tuple[int, str, str]]) -> LoadResult:
    """Add or rename classes; rows are (line, code, name). Parents first: a file may hold them in any order."""
    result = LoadResult()
    given = sorted(((line, code.strip().upper(), name.strip()) for line, code, name in rows),
                   key=lambda row: (len(row[1]), row[1]))
    existing = {industry.code: industry for industry in Industry.objects.all()}
    for line, code, name in given:
        reason = _reason(code, name, set(existing))
        if reason:
            result.rejected.append((line, code, reason))
            continue
        industry = existing.get(code)
        if industry is None:
            parent = existing.get(parent_code(code)) if parent_code(code) else None
            existing[code] = Industry.objects.create(code=code, name=name, level=_level(code),
                                                     section=section_of(code), parent=parent)
        elif industry.name != name:
            industry.name = name
            industry.save(update_fields=["name"])
        result.loaded += 1
    result.rejected.sort()
    return result


def _level(code: str) -> int:
    return 1 if len(code) == 1 else len(code)


def read_csv(path: Path) -> list[tuple[int, str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        rows = []
        for line, row in enumerate(reader, start=1):
            if line == 1 and row and row[0].strip().lower() == "code":
                continue
            rows.append((line, (row[0] if row else ""), (row[1] if len(row) > 1 else "")))
        return rows


def load_bundled() -> LoadResult:
    return load_industries(read_csv(BUNDLED))
