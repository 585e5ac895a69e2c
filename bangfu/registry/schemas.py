"""What the ledger API reads and writes (django-ninja schemas, and so the OpenAPI spec).

The rules of the ledger (ID checksums, a monitored person's category, a household's village...)
stay in the ledger's rules, which answer with a message naming the field.
"""

import datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, StringConstraints

from bangfu.core.schemas import MAX_ID, ChangeOut, Flag, IsoDate, RegionCode, blank_or, codes, number, text
from bangfu.registry import choices as c
from bangfu.registry.identifiers import normalise_identifier
from bangfu.registry.services import age_on

IdentifierField = Literal["id_number", "phone", "disability_card"]


def _normalised(value):
    return normalise_identifier(value) if isinstance(value, str) else value


def identifier(max_length: int):
    """An ID number, card number or phone: normalised as the pages do, then its length checked."""
    return Annotated[text(max_length), BeforeValidator(_normalised)]


Skills = Annotated[list[text(40, min_length=1)], Field(max_length=50)]


# --- people ------------------------------------------------------------------------------------

def _label(field: str):
    """A resolver giving the translated label of a choice field ("" when the field is empty)."""
    return staticmethod(lambda obj: str(getattr(obj, f"get_{field}_display")() or ""))


def _age(obj) -> int:
    return age_on(obj.birth_date, timezone.localdate())


class PersonOut(Schema):
    """A person as any role that may see the ledger sees them: identifiers masked, and the age in
    whole years rather than the birth date (which, beside the masked ID number, would give it back)."""

    id: int
    name: str
    gender: str
    gender_label: str
    age: int = Field(description="whole years today; the birth date is never shown")
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
    service_needs: str
    notes: str
    version: int = Field(description="raised by every change; send it back as If-Match (the ETag)")
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

    phone: identifier(20) | None = Field(None, description="mobile or landline; empty or null removes it")
    education: blank_or(c.Education) = None
    labour_ability: codes(c.LabourAbility) = None
    poverty_status: codes(c.PovertyStatus) = None
    monitoring_category: blank_or(c.MonitoringCategory) = None
    relocated: Flag = None
    relocation_site: text(100) | None = None
    disability_category: number(1, 7) | None = Field(None, description="1 视力 … 7 多重")
    disability_grade: number(1, 4) | None = Field(None, description="1 (most severe) … 4")
    disability_card: identifier(24) | None = Field(None, description="the 20-character card number; empty removes it")
    employment_status: codes(c.EmploymentStatus) = None
    employer_name: text(200) | None = None
    not_seeking_reason: blank_or(c.NotSeekingReason) = None
    wish_jobs: text(200) | None = None
    wish_travel: blank_or(c.TravelRange) = None
    wish_pay: number(0, 1_000_000) | None = Field(None, description="yuan per month")
    wish_hours: blank_or(c.Hours) = None
    training_wishes: text(200) | None = None
    service_needs: text(200) | None = None
    skills: Skills | None = Field(None, description="the whole list ([] clears it; null or absent keeps it); "
                                                    "names outside the standard vocabulary are added to it")


class PersonPatch(SurveyFields):
    """Only the fields sent are changed."""

    name: text(50) = None
    id_number: identifier(24) = Field(None, description="the 18-character resident ID number")
    region_code: RegionCode = Field(None, description="12-digit village code (a household's, if one is given)")
    household_id: number(1, MAX_ID) | None = Field(None, description="the person's household; null for none")
    relationship: codes(c.Relationship) = None
    notes: text(5000, multiline=True) | None = None


class PersonCreate(PersonPatch):
    name: text(50)
    id_number: identifier(24) = Field(description="the 18-character resident ID number")


class RevealIn(Schema):
    model_config = ConfigDict(extra="forbid")

    field: IdentifierField


class RevealOut(Schema):
    field: IdentifierField
    value: str


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
    version: int = Field(description="raised by every change; send it back as If-Match (the ETag)")
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
    superseded: bool = Field(description="recorded after a later visit: it changed nothing on the person")
    created_at: datetime.datetime

    @staticmethod
    def resolve_surveyor(obj) -> str:
        return obj.surveyor.get_full_name() or obj.surveyor.get_username()


class SurveyIn(SurveyFields):
    visited_on: IsoDate
    findings: text(5000, min_length=1, multiline=True)


# --- job spells --------------------------------------------------------------------------------

Month = Annotated[str, StringConstraints(pattern=r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$")]


def month_of(text: str | None) -> datetime.date | None:
    """The first day of a month written 2023-05 (Month), None for none."""
    return datetime.date(int(text[:4]), int(text[5:7]), 1) if text else None


def _month_text(value: datetime.date | None) -> str | None:
    return value.strftime("%Y-%m") if value else None


class SpellOut(Schema):
    id: int
    person_id: int
    start_month: str = Field(description="YYYY-MM")
    end_month: str | None = Field(description="YYYY-MM, the last month worked; null while the job goes on")
    is_open: bool
    place: str
    place_label: str
    place_text: str
    channel: str
    channel_label: str
    employer_name: str
    monthly_income: int | None = Field(description="yuan per month")
    transport_subsidy: int | None = Field(description="yuan per year")
    source: str
    source_label: str
    status: str = Field(description="the employment status this spell gives its person while open")
    status_label: str
    version: int = Field(description="raised by every change; send it back as If-Match (the ETag)")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    resolve_place_label = _label("place")
    resolve_channel_label = _label("channel")
    resolve_source_label = _label("source")

    @staticmethod
    def resolve_start_month(obj) -> str:
        return _month_text(obj.start_month)

    @staticmethod
    def resolve_end_month(obj) -> str | None:
        return _month_text(obj.end_month)

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(c.EmploymentStatus(obj.status).label)


class SpellPatch(Schema):
    """Only the fields sent are changed; an end month of null reopens the spell."""

    model_config = ConfigDict(extra="forbid")

    start_month: Month = Field(None, description="YYYY-MM")
    end_month: Month | None = Field(None, description="YYYY-MM, the last month worked; null: still working")
    place: codes(c.SpellPlace) = None
    place_text: text(100) | None = None
    channel: blank_or(c.Channel) = None
    employer_name: text(200) | None = None
    monthly_income: number(0, 1_000_000) | None = Field(None, description="yuan per month")
    transport_subsidy: number(0, 1_000_000) | None = Field(None, description="yuan per year")


class SpellIn(SpellPatch):
    start_month: Month = Field(description="YYYY-MM")
    place: codes(c.SpellPlace)
    source: Literal["manual", "survey", "import"] = "manual"


class SpellEnd(Schema):
    model_config = ConfigDict(extra="forbid")

    end_month: Month = Field(description="YYYY-MM, the last month worked")
    employment_status: Literal[tuple(c.UNEMPLOYED_STATUSES)] = Field(
        c.EmploymentStatus.SEEKING.value, description="the person's status afterwards")
    not_seeking_reason: blank_or(c.NotSeekingReason) = Field(None, description="needed for not_seeking")
