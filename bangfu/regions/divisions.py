"""Province, city and county names from python-stdnum's GB/T 2260 table (stdnum/cn/loc.dat).

The table lists every address code ever used in resident ID numbers, with the years each name was
in use in brackets ("[-2010]崇文区" ended in 2010, "[-1980]旅大市,[1981-]大连市" was renamed).
Divisions that still exist are those with a name whose bracket has no end year.
"""

import functools
import re
from importlib import resources

from bangfu.regions import codes

_YEARS = re.compile(r"^\[(\d{4})?-(\d{4})?\]")


def _current_name(raw: str) -> str | None:
    """The name in use today from entries like "[-1980]旅大市,[1981-]大连市"; None if abolished."""
    for part in reversed(raw.split(",")):
        match = _YEARS.match(part)
        if not match:
            return part
        if not match.group(2):
            return part[match.end():]
    return None


@functools.lru_cache(maxsize=1)
def county_level_divisions() -> dict[str, tuple[str, int]]:
    """Six-digit code -> (name, level) for the current provinces, cities and counties."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    found: dict[str, tuple[str, int]] = {}
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, value = line.strip().partition(" ")
        name = _current_name(value.split("=", 1)[1].strip('"'))
        if not line.startswith(" "):
            province = key
            if name:
                found[province + "0000"] = (name, codes.PROVINCE)
            continue
        if name is None or key == "0000":
            continue
        code = province + key
        level = codes.CITY if key.endswith("00") else codes.COUNTY
        if level == codes.COUNTY and name in ("市辖区", "县"):
            continue
        found[code] = (name, level)
    return found


def county_path(county_code: str) -> list[tuple[str, str, int]]:
    """(12-digit code, name, level) for the province, the city (if listed) and the county."""
    table = county_level_divisions()
    six = county_code[:6]
    if six not in table or table[six][1] != codes.COUNTY:
        raise KeyError(f"{six} is not a current county-level division")
    path = []
    for code in (six[:2] + "0000", six[:4] + "00", six):
        if code in table:
            name, level = table[code]
            path.append((codes.full_code(code), name, level))
    return path
