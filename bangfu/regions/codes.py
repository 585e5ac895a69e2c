"""The 12-digit statistical division code: its levels and the code ranges that scope records.

Province (2 digits) + city (2) + county (2) + township (3) + village (3). A node's significant
digits are a prefix of every code below it, so "everything under this county" is the range
[prefix000…, prefix999…] on an indexed column, the same on SQLite and PostgreSQL.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = 1, 2, 3, 4, 5
LEVEL_DIGITS = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}
LEVEL_CHOICES = [
    (PROVINCE, _("省")),
    (CITY, _("市")),
    (COUNTY, _("县")),
    (TOWNSHIP, _("乡镇")),
    (VILLAGE, _("村")),
]
CODE_LENGTH = 12


def is_valid_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and code.isascii() and code.isdigit()


def level_of(code: str) -> int:
    """The level of a full 12-digit code, read from where its trailing zeros start."""
    if code[9:] != "000":
        return VILLAGE
    if code[6:9] != "000":
        return TOWNSHIP
    if code[4:6] != "00":
        return COUNTY
    if code[2:4] != "00":
        return CITY
    return PROVINCE


def prefix_of(code: str, level: int | None = None) -> str:
    return code[: LEVEL_DIGITS[level or level_of(code)]]


def full_code(prefix: str) -> str:
    return prefix.ljust(CODE_LENGTH, "0")


def code_range(prefix: str) -> tuple[str, str]:
    return prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")


def within(prefix: str, field: str = "region_code") -> Q:
    """Records whose region code lies under the node with this prefix ('' is the whole country)."""
    if not prefix:
        return Q()
    return Q(**{f"{field}__range": code_range(prefix)})


def covers(prefix: str, code: str) -> bool:
    return code.startswith(prefix)
