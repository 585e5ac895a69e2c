"""The unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from 31 (digits and upper-case letters without I, O, S, V, Z): the registering
authority (1), the entity type (1), the registering region's six-digit code, the nine-character
organisation code (GB 11714, its own check character last) and a mod-31 check character.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# 登记管理部门代码: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会,
# 9 市场监管, A 中央军委改革和编制办公室, N 农业, Y 其他
AUTHORITIES = "123456789ANY"
_FULL_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)}
                            | {chr(0xFF21 + i): chr(ord("A") + i) for i in range(26)}
                            | {chr(0xFF41 + i): chr(ord("A") + i) for i in range(26)})


def normalise(value: str) -> str:
    """Upper case, full-width characters made half-width, spaces and hyphens dropped."""
    return "".join(value.translate(_FULL_WIDTH).split()).replace("-", "").upper()


def check_character(code17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(code17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check(code8: str) -> str:
    """GB 11714's check character of the organisation code's first eight characters."""
    total = sum(_value(char) * weight for char, weight in zip(code8, ORGANISATION_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def validate(value: str) -> str:
    """The code, normalised; ValidationError saying what is wrong with it."""
    code = normalise(value or "")
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，实为%(n)d位") % {"n": len(code)}, code="length")
    wrong = [f"{i + 1}（{char}）" for i, char in enumerate(code) if char not in ALPHABET]
    if wrong:
        raise ValidationError(_("统一社会信用代码含不允许的字符：第%(places)s位（不使用I、O、S、V、Z）")
                              % {"places": "、".join(wrong)}, code="character")
    if code[0] not in AUTHORITIES:
        raise ValidationError(_("统一社会信用代码第1位（登记管理部门）不能是%(char)s") % {"char": code[0]},
                              code="authority")
    if not code[2:8].isdigit():
        raise ValidationError(_("统一社会信用代码第3—8位应为登记机关行政区划码（6位数字）"), code="region")
    expected = organisation_check(code[8:16])
    if code[16] != expected:
        raise ValidationError(_("统一社会信用代码第9—17位（组织机构代码）校验位应为%(expected)s，实为%(given)s")
                              % {"expected": expected, "given": code[16]}, code="organisation")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(_("统一社会信用代码校验位（第18位）应为%(expected)s，实为%(given)s")
                              % {"expected": expected, "given": code[17]}, code="check")
    return code


def build(authority: str, kind: str, region6: str, organisation8: str) -> str:
    """A valid code from its parts (the generator and tests): both check characters computed."""
    code17 = authority + kind + region6 + organisation8 + organisation_check(organisation8)
    return code17 + check_character(code17)


def kind_of(code: str) -> str | None:
    """The employer kind the code's first two characters name, where they name one."""
    return {"91": "enterprise", "92": "individual", "93": "cooperative", "N2": "cooperative",
            "11": "institution", "12": "institution", "51": "social", "52": "social", "53": "social",
            }.get(code[:2])
