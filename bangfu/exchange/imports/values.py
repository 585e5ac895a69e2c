"""Normalising cell values as counties type them: each function returns the value in the ledger's
form or raises ValueProblem with a message in Chinese (shown per cell in the preview and the
error workbook). Cells arrive as python-calamine gives them: str, int, float, bool, date,
datetime, time or timedelta; csv cells are always str."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from bangfu.registry.identifiers import (
    CHECK_CHARS,
    EARLIEST_BIRTH,
    PROVINCE_CODES,
    WEIGHTS,
    IdentifierError,
    parse_resident_id,
    validate_phone,
)


class ValueProblem(ValueError):
    """A cell's value cannot be read; str(exc) says why, in the user's language."""


# Full-width forms (５２２６, Ｘ, ．) typed with a Chinese input method and the ideographic space made
# ASCII; invisible characters that copying from a web page brings along dropped.
_NORMAL = str.maketrans({**{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}, "\u3000": " ",
                         **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff")})
_SPACE = " \t\r\n\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff"
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 is 1900-01-01 (after Excel's fictitious 1900-02-29)
SERIAL_RANGE = (1, 2_958_465)  # 1900-01-01 .. 9999-12-31


def half_width(value) -> str:
    """Text with full-width letters, digits and punctuation made ASCII, invisible characters
    dropped and outer spaces trimmed."""
    value = str(value)
    if value.isascii():  # most cells: nothing to translate
        return value.strip()
    return value.translate(_NORMAL).strip()


def text(value) -> str:
    """A cell as text: empty for None; whole floats without their '.0' (a number typed in a text
    column, e.g. a house number)."""
    if type(value) is str:  # most cells
        return half_width(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return half_width(value)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(_SPACE))


def _compact_number_text(value) -> str:
    """'1 234,5' → '1234,5': spaces (ordinary, ideographic, no-break) inside a number removed."""
    return re.sub(r"[\s\u00a0]", "", half_width(value))


# --- identifiers ------------------------------------------------------------------------------

SIGNIFICANT_DIGITS = 15  # what an Excel number cell keeps


def id_number(value, today: datetime.date | None = None) -> str:
    """A resident ID number, normalised and checked (GB 11643-1999). A number cell has lost the
    number's last digits (Excel keeps 15 significant digits): refused, whatever it shows."""
    if isinstance(value, bool):
        raise ValueProblem(_("身份证号应为 18 位文字，而不是“是/否”"))
    if isinstance(value, int | float):
        raise ValueProblem(_("身份证号被 Excel 存成了数字（%(shown)s），后几位已经丢失，无法还原；"
                             "请把该列设为“文本”格式后重新填写原号码") % {"shown": _number_as_shown(value)})
    number = _compact_number_text(value).upper()
    if re.fullmatch(r"\d(\.\d+)?E\+?\d+", number):
        raise ValueProblem(_("身份证号“%(v)s”是科学计数法写法，说明 Excel 已把它存成数字，后几位已经丢失；"
                             "请把该列设为“文本”格式后重新填写原号码") % {"v": half_width(value)})
    try:
        return parse_resident_id(number, today).number
    except IdentifierError as exc:
        if re.fullmatch(r"\d{15}0+", number):
            # Written out by Excel from a number cell: 15 significant digits, then zeros.
            raise ValueProblem(_("身份证号“%(v)s”末尾是 0，且校验不通过：它曾被 Excel 存成数字，"
                                 "第 15 位以后的数字已经丢失，无法还原；请按原件重新填写") % {"v": number}) from None
        raise ValueProblem(str(exc)) from None


ID_TABLE_LIMIT = 100_000  # address codes or birth dates an ID reader remembers (a century has 36,525 days)


def id_number_reader(today: datetime.date | None = None):
    """`id_number` for the many cells of one table: a plain 18-character number is checked from
    three small tables (the address code, the birth date and the sequence number, each with its
    share of the check-digit sum), so a row costs three look-ups and a sum; anything else, and any
    number that fails, goes through `id_number` for its reason. The tables live as long as the
    reader (one table's read), so a new day's `today` is never stale."""
    today = today or datetime.date.today()  # noqa: DTZ011 (a calendar date, not an instant)
    regions: dict[str, int | None] = {}  # 6 digits → their weighted sum, None when no county code
    births: dict[str, int | None] = {}  # 8 digits → their weighted sum, None when no plausible birth date
    sequences = {f"{n:03d}": _weighted(f"{n:03d}", 14) if n else None for n in range(1000)}

    def read(value) -> str:
        if type(value) is str and len(value) == 18 and value.isascii() and value[:17].isdigit():
            region = regions.get(value[:6], False)
            if region is False:
                region = _region_sum(value[:6])
                if len(regions) < ID_TABLE_LIMIT:
                    regions[value[:6]] = region
            birth = births.get(value[6:14], False)
            if birth is False:
                birth = _birth_sum(value[6:14], today)
                if len(births) < ID_TABLE_LIMIT:  # a file of made-up numbers does not grow it without end
                    births[value[6:14]] = birth
            sequence = sequences[value[14:17]]
            if region is not None and birth is not None and sequence is not None:
                last = value[17]
                if CHECK_CHARS[(region + birth + sequence) % 11] == last:
                    return value
                if last == "x" and CHECK_CHARS[(region + birth + sequence) % 11] == "X":
                    return value.upper()
        return id_number(value, today)

    return read


def _weighted(digits: str, start: int) -> int:
    """The digits' share of the check-digit sum, the first at position `start` of the number."""
    return sum(int(d) * w for d, w in zip(digits, WEIGHTS[start:], strict=False))


def _region_sum(digits: str) -> int | None:
    if digits[:2] not in PROVINCE_CODES or digits[2:] == "0000":
        return None
    return _weighted(digits, 0)


def _birth_sum(digits: str, today: datetime.date) -> int | None:
    try:
        birth = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return _weighted(digits, 6) if EARLIEST_BIRTH <= birth <= today else None


def _number_as_shown(value) -> str:
    if isinstance(value, float) and (abs(value) >= 1e15 or not value.is_integer()):
        return f"{value:.14E}"
    return str(int(value))


def phone(value) -> str:
    """A mobile or landline number (a number cell is fine: 11 digits fit in 15)."""
    if type(value) is str and len(value) == 11 and value.isascii() and value.isdigit() and (
            value[0] == "1" and value[1] in "3456789"):
        return value  # a mobile number as most cells have it: nothing to normalise
    shown = text(value)
    try:
        return validate_phone(_compact_number_text(shown))
    except IdentifierError as exc:
        raise ValueProblem(str(exc)) from None


# --- numbers and money ---------------------------------------------------------------------------

_UNITS = {"元": 1, "千": 1000, "千元": 1000, "万": 10_000, "万元": 10_000, "k": 1000, "K": 1000, "w": 10_000,
          "W": 10_000}


def money(value) -> Decimal:
    """An amount in 元: 2000, '2,000元', '0.2万', '1.5千', '￥2 000.50'. Negative amounts refused."""
    if isinstance(value, bool):
        raise ValueProblem(_("金额“%(v)s”不是数字") % {"v": text(value)})
    if isinstance(value, int | float):
        amount = Decimal(str(value))
    else:
        raw = _compact_number_text(value).replace(",", "").replace("，", "").lstrip("¥￥")
        match = re.fullmatch(r"(-?\d+(?:\.\d+)?)(元|千元|千|万元|万|k|K|w|W)?", raw)
        if not match:
            raise ValueProblem(_("金额“%(v)s”看不懂：应为数字，可带“元”“千”“万”") % {"v": half_width(value)})
        try:
            amount = Decimal(match.group(1)) * _UNITS[match.group(2) or "元"]
        except InvalidOperation:
            raise ValueProblem(_("金额“%(v)s”看不懂") % {"v": half_width(value)}) from None
    if amount < 0:
        raise ValueProblem(_("金额不能为负数：%(v)s") % {"v": text(value)})
    return amount.quantize(Decimal("0.01"))


def whole_number(value, *, low: int = 0, high: int = 10**9) -> int:
    """A count (months, people): 6, '6', '６个月'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raw = re.sub(r"(个月|个|人|月|次|天)$", "", _compact_number_text(value))
        if not raw.isascii() or not raw.isdigit():
            raise ValueProblem(_("“%(v)s”应为整数") % {"v": text(value)})
        number = int(raw)
    if not low <= number <= high:
        raise ValueProblem(_("“%(v)s”应在 %(low)d 到 %(high)d 之间") % {"v": number, "low": low, "high": high})
    return number


# --- yes / no ---------------------------------------------------------------------------------------

YES = frozenset({"是", "√", "✓", "✔", "有", "y", "yes", "1", "true", "对"})
NO = frozenset({"否", "×", "✗", "✘", "x", "无", "没有", "n", "no", "0", "false", "不是"})
_YES_NO = {"是": True, "否": False, "√": True, "×": False, "有": True, "无": False}


def yes_no(value) -> bool:
    """是/否, √/×, 有/无, Y/N, 1/0, TRUE/FALSE cells."""
    if value in _YES_NO:  # the exact words, as most cells have them
        return _YES_NO[value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = half_width(value).lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueProblem(_("“%(v)s”应为 是/否（也可写 √/×、有/无、Y/N）") % {"v": text(value)})


# --- dates and months -------------------------------------------------------------------------------


def _serial(number: float) -> datetime.date:
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        raise ValueProblem(_("“%(v)s”不是日期") % {"v": text(number)})
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def _ymd(year: str, month: str, day: str, given) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueProblem(_("日期“%(v)s”不存在") % {"v": text(given)}) from None


_DATE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")


def date(value) -> datetime.date:
    """1985.3.2, 1985年3月2日, 19850302, 1985/03/02, 1985-3-2, an Excel serial (31108) or a date cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise ValueProblem(_("“%(v)s”不是日期") % {"v": text(value)})
    if isinstance(value, int | float):
        if 19000101 <= value <= 99991231 and float(value).is_integer():
            digits = str(int(value))
            return _ymd(digits[:4], digits[4:6], digits[6:], value)
        return _serial(value)
    raw = half_width(value)
    if match := _DATE.fullmatch(raw):
        return _ymd(*match.groups(), value)
    if re.fullmatch(r"\d{8}", raw):
        return _ymd(raw[:4], raw[4:6], raw[6:], value)
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):  # a serial written out as text: 1927-05-18 .. 2173-10-14
        return _serial(float(raw))
    raise ValueProblem(_("日期“%(v)s”看不懂：可写作 1985-3-2、1985.3.2、1985年3月2日 或 19850302") % {"v": raw})


_MONTH = re.compile(r"(\d{4})\s*(?:[-./年]\s*(\d{1,2})\s*月?|(\d{2}))")


def month(value) -> datetime.date:
    """A month as its first day: 2023年05月, 2023.5, 2023-05, 202305, or a date cell."""
    if isinstance(value, datetime.datetime | datetime.date):
        return date(value).replace(day=1)
    if isinstance(value, float) and not value.is_integer():
        # 2023.5 typed into a number cell: the month is the part after the point (2023.10 reads 2023.1).
        year, _dot, fraction = f"{value}".partition(".")
        return _first_of(year, fraction, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raw = str(int(value))
        if len(raw) == 6:
            return _first_of(raw[:4], raw[4:], value)
        return _serial(value).replace(day=1)
    raw = half_width(value)
    if match := _MONTH.fullmatch(raw):
        return _first_of(match.group(1), match.group(2) or match.group(3), value)
    try:
        return date(raw).replace(day=1)
    except ValueProblem:
        raise ValueProblem(_("月份“%(v)s”看不懂：可写作 2023年05月、2023.5 或 2023-05") % {"v": raw}) from None


def _first_of(year: str, month_: str, given) -> datetime.date:
    return _ymd(year, month_, "1", given)


# --- header names -------------------------------------------------------------------------------

_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})


def header_key(name) -> str:
    """A column header in the form headers are compared in: half-width (（）→()), no spaces, line
    breaks, required-marks (*) or trailing colon, letters lower-case. 证件号码 / 证件 号码* /
    证件号码： all give the same key."""
    key = text(name).translate(_BRACKETS)
    key = re.sub(r"\s+", "", key).lstrip("*").rstrip("*:：").lower()
    return key
