"""What the ledger API reads and writes (django-ninja schemas, and so the OpenAPI spec).

The constraints here are types, lengths, bounds and code lists, so that the spec tells a client
what a request must look like. The rules of the ledger (ID checksums, a monitored person's
category, a household's village...) stay in validation.clean_person and the forms, which answer
with a message naming the field.
"""

import datetime
import re
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, Strict, StringConstraints
from pydantic_core import PydanticCustomError

from bangfu.registry import choices as c
from bangfu.registry.services import age_on

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
IdentifierField = Literal["id_number", "phone", "disability_card"]
Skills = Annotated[list[text(40, min_length=1)], Field(max_length=50)]


# --- errors ------------------------------------------------------------------------------------

class Message(Schema):
    detail: str


class FieldError(Schema):
    field: str | None = Field(description="the request field at fault; null for the request as a whole")
    message: str


class Invalid(Schema):
    detail: list[FieldError]


class Duplicate(Schema):
    detail: str
    id: int | None = Field(description="the person already on file, when they are in your region")
    url: str | None = Field(description="that person's API address, when they are in your region")


ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Duplicate, 422: Invalid}


def responses(ok: dict, *errors: int) -> dict:
    """An operation's documented answers: its success, and the error statuses it can give."""
    return {**ok, **{code: ERRORS[code] for code in errors}}


# --- the caller --------------------------------------------------------------------------------

class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    region_code: str | None
    region_name: str | None
    permissions: list[str]


# --- regions -----------------------------------------------------------------------------------

class RegionOut(Schema):
    code: str
    name: str
    level: int
    level_label: str
    parent_code: str

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()


class RegionDetail(RegionOut):
    full_name: str
    people: int = Field(description="people on the ledger under this region that you may see")

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.full_name()


class ChildRegion(RegionOut):
    people: int = Field(description="people on the ledger under this region that you may see")


# --- people ------------------------------------------------------------------------------------

def _label(field: str):
    """A resolver giving the translated label of a choice field ("" when the field is empty)."""
    return staticmethod(lambda obj: str(getattr(obj, f"get_{field}_display")() or ""))


def _age(obj) -> int:
    return age_on(obj.birth_date, timezone.localdate())


class PersonOut(Schema):
    """A person as any role that may see the ledger sees them: identifiers masked."""

    id: int
    name: str
    gender: str
    gender_label: str
    birth_date: datetime.date
    age: int
    id_number_masked: str
    phone_masked: str
    disability_card_masked: str
    region_code: str
    household_id: int | None
    household_number: str | None
    relationship: str
    relationship_label: str
    education: str
    education_label: str
    skills: list[str]
    labour_ability: str
    labour_ability_label: str
    is_labour: bool
    poverty_status: str
    poverty_status_label: str
    monitoring_category: str
    monitoring_category_label: str
    relocated: bool
    relocation_site: str
    disability_category: int | None
    disability_category_label: str
    disability_grade: int | None
    disability_grade_label: str
    employment_status: str
    employment_status_label: str
    is_employed: bool
    employer_name: str
    not_seeking_reason: str
    not_seeking_reason_label: str
    wish_jobs: str
    wish_travel: str
    wish_travel_label: str
    wish_pay: int | None
    wish_hours: str
    wish_hours_label: str
    training_wishes: str
    notes: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    resolve_gender_label = _label("gender")
    resolve_relationship_label = _label("relationship")
    resolve_education_label = _label("education")
    resolve_labour_ability_label = _label("labour_ability")
    resolve_poverty_status_label = _label("poverty_status")
    resolve_monitoring_category_label = _label("monitoring_category")
    resolve_disability_category_label = _label("disability_category")
    resolve_disability_grade_label = _label("disability_grade")
    resolve_employment_status_label = _label("employment_status")
    resolve_not_seeking_reason_label = _label("not_seeking_reason")
    resolve_wish_travel_label = _label("wish_travel")
    resolve_wish_hours_label = _label("wish_hours")

    resolve_age = staticmethod(_age)

    @staticmethod
    def resolve_household_number(obj) -> str | None:
        return obj.household.number if obj.household_id else None

    @staticmethod
    def resolve_skills(obj) -> list[str]:
        # .all() so that a prefetch_related("skills") of the list serves every row
        return sorted(skill.name for skill in obj.skills.all())


class SurveyFields(Schema):
    """The fields of a person that a door-to-door survey may update (actions.SURVEY_FIELDS).

    Every field may be left out. A field whose type has no null (`labour_ability: str = None`) may
    be left out but not sent as null; one with null (`education`) is emptied by null or "".
    """

    model_config = ConfigDict(extra="forbid")

    phone: text(20) | None = Field(None, description="mobile or landline; empty or null removes it")
    education: blank_or(c.Education) = None
    labour_ability: codes(c.LabourAbility) = None
    poverty_status: codes(c.PovertyStatus) = None
    monitoring_category: blank_or(c.MonitoringCategory) = None
    relocated: Flag = None
    relocation_site: text(100) | None = None
    disability_category: number(1, 7) | None = Field(None, description="1 视力 … 7 多重")
    disability_grade: number(1, 4) | None = Field(None, description="1 (most severe) … 4")
    disability_card: text(24) | None = Field(None, description="the 20-character card number; empty removes it")
    employment_status: codes(c.EmploymentStatus) = None
    employer_name: text(200) | None = None
    not_seeking_reason: blank_or(c.NotSeekingReason) = None
    wish_jobs: text(200) | None = None
    wish_travel: blank_or(c.TravelRange) = None
    wish_pay: number(0, 1_000_000) | None = Field(None, description="yuan per month")
    wish_hours: blank_or(c.Hours) = None
    training_wishes: text(200) | None = None
    skills: Skills | None = Field(None, description="the whole list ([] clears it; null or absent keeps it); "
                                                    "names outside the standard vocabulary are added to it")


class PersonPatch(SurveyFields):
    """Only the fields sent are changed."""

    name: text(50) = None
    id_number: text(24) = Field(None, description="the 18-character resident ID number")
    region_code: RegionCode = Field(None, description="12-digit village code (a household's, if one is given)")
    household_id: number(1, MAX_ID) | None = Field(None, description="the person's household; null for none")
    relationship: codes(c.Relationship) = None
    notes: text(5000, multiline=True) | None = None


class PersonCreate(PersonPatch):
    name: text(50)
    id_number: text(24) = Field(description="the 18-character resident ID number")


class RevealIn(Schema):
    model_config = ConfigDict(extra="forbid")

    field: IdentifierField


class RevealOut(Schema):
    field: IdentifierField
    value: str


class ChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class HistoryEntryOut(Schema):
    at: datetime.datetime
    user: str
    kind: str
    reason: str
    changes: list[ChangeOut]


# --- households --------------------------------------------------------------------------------

class HouseholdOut(Schema):
    id: int
    number: str
    region_code: str
    address: str
    poverty_status: str
    poverty_status_label: str
    monitoring_category: str
    monitoring_category_label: str
    relocated: bool
    relocation_site: str
    head_name: str
    member_count: int
    labour_count: int
    employed_count: int
    zero_employment: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    resolve_poverty_status_label = _label("poverty_status")
    resolve_monitoring_category_label = _label("monitoring_category")


class MemberOut(Schema):
    id: int
    name: str
    relationship: str
    relationship_label: str
    gender: str
    age: int
    is_labour: bool
    employment_status: str
    employment_status_label: str

    resolve_relationship_label = _label("relationship")
    resolve_employment_status_label = _label("employment_status")
    resolve_age = staticmethod(_age)


class HouseholdDetail(HouseholdOut):
    members: list[MemberOut]


class HouseholdPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode = Field(None, description="12-digit village code")
    address: text(200) | None = None
    poverty_status: codes(c.PovertyStatus) = None
    monitoring_category: blank_or(c.MonitoringCategory) = None
    relocated: Flag = None
    relocation_site: text(100) | None = None


class HouseholdCreate(HouseholdPatch):
    region_code: RegionCode = Field(description="12-digit village code")


# --- surveys -----------------------------------------------------------------------------------

class SurveyOut(Schema):
    id: int
    person_id: int
    region_code: str
    visited_on: datetime.date
    surveyor: str
    findings: str
    changes: dict[str, list[str]] = Field(description="field -> [before, after]; identifiers masked")
    created_at: datetime.datetime

    @staticmethod
    def resolve_surveyor(obj) -> str:
        return obj.surveyor.get_full_name() or obj.surveyor.get_username()


class SurveyIn(SurveyFields):
    visited_on: IsoDate
    findings: text(5000, min_length=1, multiline=True)


# --- list filters (query strings: the same names and values as the ledger pages) ----------------

# Query parameters are left out rather than sent as null, so their types have no null.
OneZero = Literal["0", "1"]


class PersonFilters(Schema):
    region: RegionPrefix = Field(
        None, description="region code or its leading digits (522633101 = the township 丙妹镇)")
    employment: Literal[("employed", *c.EmploymentStatus.values)] = Field(
        None, description="an employment status, or `employed` for all the employed ones")
    poverty: codes(c.PovertyStatus) = None
    disability: Literal[("any", *(str(v) for v in c.DisabilityCategory.values))] = Field(
        None, description="a disability category, or `any`")
    relocated: OneZero = None
    labour: OneZero = None
    zero_employment: OneZero = Field(None, description="member of a zero-employment household")
    gender: codes(c.Gender) = None
    q: text(50) = Field(None, description="name, pinyin initials (zsf) or full pinyin, last 4 digits "
                                          "of ID or phone, or a whole ID number or phone")


class HouseholdFilters(Schema):
    region: RegionPrefix = Field(None, description="region code or its leading digits")
    poverty: codes(c.PovertyStatus) = None
    relocated: OneZero = None
    zero_employment: OneZero = None
    q: text(50) = Field(None, description="household number or head's name (leading characters)")


class SurveyFilters(Schema):
    person: Id = Field(None, description="only this person's surveys")
    region: RegionPrefix = Field(None, description="region code or its leading digits")
