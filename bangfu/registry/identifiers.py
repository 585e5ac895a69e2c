"""Resident ID numbers (GB 11643-1999), disability card numbers (GB/T 26341-2010) and phones.

Each validator returns the normalised value or raises IdentifierError with a message that says
what is wrong, in the user's language.
"""

import dataclasses
import datetime
import re

from django.utils.translation import gettext as _

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
DISABILITY_CATEGORIES = range(1, 8)
DISABILITY_GRADES = range(1, 5)
# GB/T 2260 province codes; the rest of the address code may be one no longer in force.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83",
})
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class IdentifierError(ValueError):
    pass


# Full-width forms (５２２６, Ｘ, ＋８６) as typed with a Chinese input method, to their ASCII letters.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Invisible characters that copying from a web page or a PDF brings along.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def normalise_identifier(value) -> str:
    """An ID number, disability card number or phone as typed, in the one form the rules check:
    full-width characters made ASCII, spaces (the ideographic one too) and invisible characters
    removed, letters upper-case. Pages, API and actions all pass what they are given through this."""
    text = str(value or "").translate(_HALF_WIDTH).translate(_INVISIBLE)
    return "".join(text.split()).upper()


@dataclasses.dataclass(frozen=True)
class ResidentId:
    number: str
    address_code: str
    birth_date: datetime.date
    gender: str  # "M" or "F"


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse_resident_id(value: str, today: datetime.date | None = None) -> ResidentId:
    number = normalise_identifier(value)
    if len(number) != 18:
        raise IdentifierError(_("身份证号应为 18 位，现为 %(n)d 位") % {"n": len(number)})
    if not number[:17].isascii() or not number[:17].isdigit():
        raise IdentifierError(_("身份证号前 17 位应全为数字"))
    if number[17] not in CHECK_CHARS:  # a digit or X
        raise IdentifierError(_("身份证号第 18 位（校验码）应为数字或 X"))
    if number[:2] not in PROVINCE_CODES or number[2:6] == "0000":
        raise IdentifierError(_("身份证号前 6 位“%(code)s”不是有效的县级地址码") % {"code": number[:6]})
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError(_("身份证号中的出生日期 %(date)s 不存在") % {"date": number[6:14]}) from None
    today = today or datetime.date.today()  # noqa: DTZ011 (a calendar date, not an instant)
    if not EARLIEST_BIRTH <= birth <= today:
        raise IdentifierError(_("身份证号中的出生日期 %(date)s 不在合理范围内") % {"date": birth.isoformat()})
    if number[14:17] == "000":
        raise IdentifierError(_("身份证号顺序码不能为 000"))
    expected = check_char(number[:17])
    if number[17] != expected:
        raise IdentifierError(
            _("身份证号校验码错误：第 18 位应为 %(expected)s，而不是 %(given)s")
            % {"expected": expected, "given": number[17]}
        )
    return ResidentId(number, number[:6], birth, "M" if int(number[16]) % 2 else "F")


def parse_disability_card(value: str, resident_id: str) -> tuple[str, int, int]:
    """The card number, category (1–7) and grade (1–4); the card must extend this person's ID."""
    card = normalise_identifier(value)
    if len(card) != 20:
        raise IdentifierError(_("残疾人证号应为 20 位（身份证号 + 类别 + 等级），现为 %(n)d 位") % {"n": len(card)})
    if card[:18] != normalise_identifier(resident_id):
        raise IdentifierError(_("残疾人证号前 18 位应与本人身份证号一致"))
    category, grade = card[18], card[19]
    if not (category.isdigit() and int(category) in DISABILITY_CATEGORIES):
        raise IdentifierError(_("残疾人证号第 19 位（残疾类别）应为 1–7，而不是 %(c)s") % {"c": category})
    if not (grade.isdigit() and int(grade) in DISABILITY_GRADES):
        raise IdentifierError(_("残疾人证号第 20 位（残疾等级）应为 1–4，而不是 %(g)s") % {"g": grade})
    return card, int(category), int(grade)


def validate_phone(value: str) -> str:
    phone = re.sub(r"[()]", "", normalise_identifier(value)).removeprefix("+86")
    if MOBILE.match(phone) or LANDLINE.match(phone):
        return phone
    raise IdentifierError(_("电话号码“%(v)s”应为 11 位手机号或带区号的固定电话") % {"v": value})


def build_resident_id(address_code: str, birth_date: datetime.date, sequence: int) -> str:
    """A structurally valid ID number (sequence 1–999; odd for men) for synthetic people."""
    first17 = f"{address_code[:6]}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
