"""Employment records and rosters over the API: /api/employments (list, detail, start, end) and
/api/rosters (a month's roster as JSON rows: the same outcome as the form, refused rows with their
reasons). Thin: reads through the selectors, writes through the actions; the rules answer through
bangfu.api's handlers (422, 403, 404, 412)."""

import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import StrictFloat, StrictInt

from bangfu.core.permissions import require, scope
from bangfu.core.schemas import Id, IsoDate, codes, expected_version, idempotency_key, responses, set_etag, text
from bangfu.employers import choices as c
from bangfu.employers.employment import actions, filters, selectors
from bangfu.employers.models import Employer, RosterSubmission, Workshop
from bangfu.employers.permissions import Perm
from bangfu.registry.api import Pages

employments = Router(tags=["employments"])
rosters = Router(tags=["rosters"])
EmploymentFilters = filters.EMPLOYMENTS.schema()
Month = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$", description="YYYY-MM")]
Amount = StrictInt | StrictFloat


class EmploymentOut(Schema):
    id: int
    person_id: int
    name: str
    id_number: str = Field(description="masked")
    employer_id: int
    employer_name: str
    workshop_id: int | None
    region_code: str
    job_title: str
    start_date: datetime.date
    end_date: datetime.date | None
    agreement: str
    agreement_months: int | None
    weekly_hours: int | None
    spell_id: int | None
    version: int

    @staticmethod
    def resolve_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_id_number(obj):
        return obj.person.id_number_masked

    @staticmethod
    def resolve_employer_name(obj):
        return obj.employer.name


class EmploymentIn(Schema):
    employer_id: Annotated[int, Field(ge=1)]
    workshop_id: Annotated[int, Field(ge=1)] | None = None
    id_number: text(30)
    name: text(50)
    start_date: IsoDate
    job_title: text(100) = ""
    agreement: codes(c.Agreement) = c.Agreement.CONTRACT
    agreement_months: Annotated[StrictInt, Field(ge=1, le=600)] | None = None
    weekly_hours: Annotated[StrictInt, Field(ge=1, le=84)] | None = None


class EmploymentEnd(Schema):
    end_date: IsoDate


def _employer(user, employer_id: int) -> Employer:
    """An employer the user may submit for, or 404 alike for absent and not yours."""
    return get_object_or_404(scope(user, Employer.objects.all(), Perm.SUBMIT_ROSTER), pk=employer_id)


@employments.get("", response=responses({200: list[EmploymentOut]}, 400, 401, 403), url_name="employment_list")
@paginate(Pages)
def list_employments(request, params: Query[EmploymentFilters]):
    """Employment records you may see (an operator: its own organisation's), newest start first."""
    require(request.auth, Perm.VIEW_EMPLOYMENT)
    queryset = filters.EMPLOYMENTS.apply(selectors.employments_for_user(request.auth),
                                         params.model_dump(exclude_none=True))
    return queryset.order_by("-start_date", "-id")


@employments.get("/{employment_id}", response=responses({200: EmploymentOut}, 401, 403, 404, 422),
                 url_name="employment")
def get_employment(request, employment_id: Id, response: HttpResponse):
    require(request.auth, Perm.VIEW_EMPLOYMENT)
    employment = selectors.get_employment_for_user(request.auth, employment_id)
    set_etag(response, employment)
    return employment


@employments.post("", response=responses({201: EmploymentOut}, 400, 401, 403, 404, 422))
def start_employment(request, payload: EmploymentIn, response: HttpResponse):
    """Start an employment: the person by ID number and name (both as the ledger has them; a
    mismatch and an unknown number read alike). Their ledger status follows."""
    require(request.auth, Perm.SUBMIT_ROSTER)
    employer = _employer(request.auth, payload.employer_id)
    data = payload.model_dump(exclude={"employer_id", "workshop_id"})
    data["workshop"] = payload.workshop_id
    employment = actions.do_start_employment(request.auth, employer, data, key=idempotency_key(request),
                                             request=request)
    set_etag(response, employment)
    return Status(201, employment)


@employments.post("/{employment_id}/end", response=responses({200: EmploymentOut}, 400, 401, 403, 404, 412, 422))
def end_employment(request, employment_id: Id, payload: EmploymentEnd, response: HttpResponse):
    """End an open employment (send its ETag as `If-Match`); the ledger spell ends that month."""
    require(request.auth, Perm.SUBMIT_ROSTER)
    employment = selectors.get_employment_for_user(request.auth, employment_id, Perm.SUBMIT_ROSTER)
    actions.do_end_employment(request.auth, employment, payload.end_date, version=expected_version(request),
                              request=request)
    set_etag(response, employment)
    return employment


# --- rosters -------------------------------------------------------------------------------------

class RosterRow(Schema):
    id_number: text(30) = ""
    name: text(50) = ""
    employment_id: Annotated[int, Field(ge=1)] | None = Field(None, description="instead of id_number and name")
    days_worked: Amount | None = None
    pay: Amount | None = None
    insurance: Amount | None = None
    start_date: IsoDate | None = Field(None, description="for a person without an employment here (default: "
                                                         "the month's first day)")


class RosterIn(Schema):
    employer_id: Annotated[int, Field(ge=1)]
    workshop_id: Annotated[int, Field(ge=1)] | None = None
    month: Month
    rows: Annotated[list[RosterRow], Field(max_length=5000)]


class RefusedRow(Schema):
    row: int
    who: str
    errors: dict[str, list[str]]


class RosterOut(Schema):
    id: int
    employer_id: int
    workshop_id: int | None
    month: str
    source: str
    submitted_at: datetime.datetime
    added: int
    updated: int
    removed: int
    unchanged: int
    refused: int
    started: int
    refused_rows: list[RefusedRow]

    @staticmethod
    def resolve_month(obj):
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_submitted_at(obj):
        return obj.at

    @staticmethod
    def resolve_refused_rows(obj):
        return obj.refusals


def _row(row: RosterRow) -> dict:
    data = row.model_dump(exclude={"employment_id"})
    if row.employment_id is not None:
        data["employment"] = str(row.employment_id)
    return data


@rosters.post("", response=responses({201: RosterOut}, 400, 401, 403, 404, 422))
def submit_roster(request, payload: RosterIn):
    """Submit a month's roster of an employer (or one of its workshops): it replaces that month's
    records there. Good rows land; refused rows come back in `refused_rows`, each reason under its
    field. The same roster again changes nothing."""
    require(request.auth, Perm.SUBMIT_ROSTER)
    employer = _employer(request.auth, payload.employer_id)
    workshop = None
    if payload.workshop_id is not None:
        workshop = Workshop.objects.filter(pk=payload.workshop_id, employer=employer).first()
        if workshop is None:
            raise ValidationError({"workshop_id": [_("该车间不属于本单位")]})
    result = actions.do_submit_roster(request.auth, employer, workshop, payload.month,
                                      [_row(row) for row in payload.rows], source=RosterSubmission.Source.API,
                                      key=idempotency_key(request), request=request)
    return Status(201, result.submission)


@rosters.get("", response=responses({200: list[RosterOut]}, 400, 401, 403), url_name="roster_list")
@paginate(Pages)
def list_rosters(request):
    """Roster submissions you may see, newest first."""
    require(request.auth, Perm.VIEW_EMPLOYMENT)
    return selectors.submissions_for_user(request.auth).order_by("-at", "-id")


@rosters.get("/{submission_id}", response=responses({200: RosterOut}, 401, 403, 404, 422), url_name="roster")
def get_roster(request, submission_id: Id):
    require(request.auth, Perm.VIEW_EMPLOYMENT)
    return selectors.get_submission_for_user(request.auth, submission_id)
