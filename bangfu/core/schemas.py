"""Building blocks of every app's API schemas: text, codes, numbers, dates, errors, responses.

The constraints here are types, lengths, bounds and code lists, so that the OpenAPI spec tells a
client what a request must look like; the apps' rules answer with a message naming the field.
"""

import datetime
import re
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, Strict, StringConstraints
from pydantic_core import PydanticCustomError

# No control characters in single-line text; multi-line text may hold tabs and line breaks.
# (PostgreSQL cannot store NUL at all, and the others have no business in a ledger.)
LINE = r"^[^\x00-\x1f\x7f]*$"
LINES = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
MAX_ID = 2**63 - 1  # the largest bigint: path ids beyond it cannot exist


def text(max_length: int, *, min_length: int | None = None, multiline: bool = False):
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length,
                                            pattern=LINES if multiline else LINE)]


def codes(choices) -> Any:
    """The stored codes of a choices class as a Literal (an enum in the spec)."""
    return Literal[tuple(choices.values)]


def blank_or(choices) -> Any:
    """An optional choice: a code, or "" / null for none."""
    return Literal[("", *choices.values)] | None


def _iso_date(value):
    # pydantic would also take 0 or "0" (a Unix time) for a date; the spec promises YYYY-MM-DD.
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_parsing", "Input should be a valid date in the format YYYY-MM-DD")


def _whole_number(value):
    # From a path or query string pydantic would also read " 2", "2.0" and "+2" as 2.
    if isinstance(value, str) and not re.fullmatch(r"-?[0-9]+", value):
        raise PydanticCustomError("int_parsing", "Input should be a valid integer")
    return value


def whole_number(low: int, high: int):
    """An integer in a path or query string: decimal digits only, as the spec's `integer` says.
    (The bounds go before the validator, or pydantic writes them into the spec as ge/le.)"""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(_whole_number)]


# In request bodies, numbers, flags and dates are taken only as JSON writes them: pydantic's lax
# mode would read true as 1, 1 as true and 0 as 1970-01-01, which the spec does not allow.
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
Flag = Annotated[bool, Strict()]


def number(low: int, high: int):
    return Annotated[int, Strict(), Field(ge=low, le=high)]


RegionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]
RegionPrefix = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}$")]
Id = whole_number(1, MAX_ID)  # in a path or query string


# --- errors ------------------------------------------------------------------------------------

class Message(Schema):
    detail: str


class FieldError(Schema):
    field: str | None = Field(description="the request field at fault; null for the request as a whole")
    message: str


class Invalid(Schema):
    detail: list[FieldError]


class Conflict(Schema):
    detail: str
    id: int | None = Field(description="the record already on file, when you may see it")
    url: str | None = Field(description="that record's API address, when you may see it")


class ChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class Stale(Schema):
    detail: str
    version: int | None = Field(None, description="the record's version now (its ETag)")
    changes: list[ChangeOut] = Field([], description="what changed since the version you sent")


ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Conflict, 412: Stale, 422: Invalid,
          429: Message}


def responses(ok: dict, *errors: int) -> dict:
    """An operation's documented answers: its success, and the error statuses it can give."""
    return {**ok, **{code: ERRORS[code] for code in errors}}




# --- versions and repeated requests --------------------------------------------------------------

class PreconditionFailed(Exception):
    """An If-Match header that is not a version this API gave out."""


def expected_version(request) -> int | None:
    """The version of `If-Match: "3"` (the ETag a GET answered with); None without the header."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    match = re.fullmatch(r'(?:W/)?"([0-9]{1,9})"', header)
    if match is None:
        raise PreconditionFailed(header)
    return int(match.group(1))


def set_etag(response, record) -> None:
    response["ETag"] = f'"{record.version}"'


def idempotency_key(request) -> str | None:
    """`Idempotency-Key: <8–64 letters, digits, - or _>`: the same key again returns the first
    request's record instead of creating another."""
    key = request.headers.get("Idempotency-Key", "").strip()
    return key if re.fullmatch(r"[A-Za-z0-9_-]{8,64}", key) else None
