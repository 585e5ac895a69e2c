"""Workshops over the API: list, detail, apply, lifecycle moves, evaluation; the criteria, read-only.

Thin handlers: reads start from the scoped selectors, writes go through the lifecycle's actions, and
the rules answer through bangfu.api's handlers (422, 403, 404, 412).
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict

from bangfu.core.history import history_entries
from bangfu.core.permissions import organisation_of, require
from bangfu.core.schemas import (
    MAX_ID,
    Id,
    IsoDate,
    RegionCode,
    codes,
    expected_version,
    idempotency_key,
    number,
    responses,
    set_etag,
    text,
)
from bangfu.employers import choices as c
from bangfu.employers.models import CriteriaSet, Purpose
from bangfu.employers.organisations import selectors as employer_selectors
from bangfu.employers.permissions import Perm
from bangfu.employers.workshops import evaluation as ev
from bangfu.employers.workshops import filters, lifecycle, rent, selectors
from bangfu.employers.workshops.rules import MAX_RENT_YEARS
from bangfu.registry.api import Pages
from bangfu.registry.schemas import HistoryEntryOut

workshops = Router(tags=["workshops"])
criteria = Router(tags=["workshop criteria"])
rent_rules = Router(tags=["rent rules"])

WorkshopFilters = filters.WORKSHOPS.schema()
WorkshopSort = filters.WORKSHOP_SORTS.schema()
MOVE_ACTIONS = tuple(action for action in lifecycle.MOVES_BY_ACTION if action != "apply")


class WorkshopOut(Schema):
    id: int
    name: str
    employer_id: int
    employer_name: str
    kind: str
    site: str
    region_code: str
    address: str
    products: str
    capacity: int
    start_date: datetime.date | None
    site_rent: int | None
    status: str
    status_label: str
    certificate_number: str | None
    certified_on: datetime.date | None
    certified_level: str
    buffer_until: datetime.date | None
    version: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_employer_name(obj) -> str:
        return obj.employer.name


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    comment: str
    details: dict
    evaluation: dict | None
    actor: str
    at: datetime.datetime

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor.get_username()


class WorkshopDetail(WorkshopOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj) -> list:
        return obj.scoped_events


class WorkshopIn(Schema):
    model_config = ConfigDict(extra="forbid")

    employer_id: int | None = Field(None, ge=1, le=MAX_ID, description="omitted by an employer operator: its own")
    name: text(200, min_length=1)
    kind: codes(c.WorkshopKind)
    site: codes(c.WorkshopSite)
    region_code: RegionCode | None = Field(None, description="the workshop's township or village; the employer's "
                                                             "by default")
    address: text(200) = ""
    products: text(200) = ""
    capacity: number(0, 100_000) = 0
    start_date: IsoDate | None = None
    site_rent: number(0, 100_000_000) | None = None
    comment: text(2000, multiline=True) = ""


class MoveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: Literal[MOVE_ACTIONS]
    comment: text(2000, multiline=True) = ""
    certificate_number: text(50) | None = Field(None, description="certify: unique over all workshops")
    certified_on: IsoDate | None = Field(None, description="certify")
    level: codes(c.Level) | None = Field(None, description="certify")
    on: IsoDate | None = Field(None, description="monitoring result date; upgrade evaluation date (today)")


class ResultOut(Schema):
    measure: str
    label: str
    comparison: str
    threshold: str
    value: str | None
    passed: bool
    why: str


class EvaluationOut(Schema):
    purpose: str
    on: datetime.date
    passed: bool | None
    note: str
    criteria_set: int | None
    criteria_set_name: str
    period: list[datetime.date] | None
    results: list[ResultOut]


class EvaluationQuery(Schema):
    purpose: Literal[tuple(Purpose.values)] = Purpose.MONITOR
    quarter: text(7) | None = Field(None, pattern=r"^[0-9]{4}Q[1-4]$", description="e.g. 2026Q3; the current "
                                                                                    "quarter by default")


class CriterionOut(Schema):
    measure: str
    comparison: str
    threshold: str
    kinds: list[str]
    label: str

    @staticmethod
    def resolve_threshold(obj) -> str:
        return str(obj.threshold)


class CriteriaSetOut(Schema):
    id: int
    region_prefix: str
    purpose: str
    name: str
    note: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    buffer_months: int | None
    period_months: int
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj) -> list:
        return list(obj.criteria.all())


def _detail(request, workshop):
    """The workshop with the events the user may see (the same scope as the workshop's)."""
    workshop.scoped_events = list(selectors.events_for_user(request.auth).filter(workshop=workshop)
                                  .order_by("at", "id"))
    return workshop


@workshops.get("", response=responses({200: list[WorkshopOut]}, 400, 401, 403), url_name="workshop_list")
@paginate(Pages)
def list_workshops(request, params: Query[WorkshopFilters], order: Query[WorkshopSort]):
    """Workshops you may see, filtered and sorted like the page."""
    require(request.auth, Perm.VIEW_EMPLOYERS)
    queryset = filters.WORKSHOPS.apply(selectors.workshops_for_user(request.auth), params.model_dump(exclude_none=True))
    return filters.WORKSHOP_SORTS.apply(queryset, order.sort)


@workshops.get("/{workshop_id}", response=responses({200: WorkshopDetail}, 401, 403, 404, 422), url_name="workshop")
def get_workshop(request, workshop_id: Id, response: HttpResponse):
    """The workshop and its lifecycle events; the ETag is its version (If-Match on moves)."""
    require(request.auth, Perm.VIEW_EMPLOYERS)
    workshop = selectors.get_workshop_for_user(request.auth, workshop_id)
    set_etag(response, workshop)
    return _detail(request, workshop)


@workshops.post("", response=responses({201: WorkshopDetail}, 400, 401, 403, 422))
def apply_workshop(request, payload: WorkshopIn, response: HttpResponse):
    """申报: an operator for its own employer (employer_id omitted), an officer for an employer of their region."""
    require(request.auth, Perm.APPLY_WORKSHOP)
    data = payload.model_dump(exclude_unset=True)
    employer_id, comment = data.pop("employer_id", None), data.pop("comment", "")
    if employer_id is None:
        employer_id = organisation_of(request.auth)
    applying = employer_selectors.employers_for_applying(request.auth)
    employer = applying.filter(pk=employer_id).first() if employer_id else None
    if employer is None:
        raise ValidationError({"employer_id": [_("经营主体不存在")]})
    if data.get("region_code") is None:
        data.pop("region_code", None)
    workshop = lifecycle.do_apply_workshop(request.auth, employer, data, comment=comment,
                                           key=idempotency_key(request), request=request)
    set_etag(response, workshop)
    return Status(201, _detail(request, workshop))


@workshops.post("/{workshop_id}/transitions", response=responses({200: WorkshopDetail}, 400, 401, 403, 404, 412,
                                                                   422))
def move_workshop(request, workshop_id: Id, payload: MoveIn, response: HttpResponse):
    """One lifecycle move (`action`): comment, review, return, resubmit, reject, certify (certificate_number,
    certified_on, level), monitor_normal / monitor_pending / monitor_clearing (on), revoke (comment: the
    reason), upgrade (on). A move the workshop's status does not allow answers 422 naming it."""
    require(request.auth, Perm.VIEW_EMPLOYERS)
    workshop = selectors.get_workshop_for_user(request.auth, workshop_id)
    user, version, data = request.auth, expected_version(request), payload
    action = data.action
    if action == "comment":
        lifecycle.do_comment_workshop(user, workshop, data.comment, request=request)
    elif action == "review":
        lifecycle.do_review(user, workshop, data.comment, version=version, request=request)
    elif action == "return":
        lifecycle.do_return(user, workshop, data.comment, version=version, request=request)
    elif action == "resubmit":
        lifecycle.do_resubmit(user, workshop, None, data.comment, version=version, request=request)
    elif action == "reject":
        lifecycle.do_reject(user, workshop, data.comment, version=version, request=request)
    elif action == "certify":
        lifecycle.do_certify(user, workshop, certificate_number=data.certificate_number or "",
                             certified_on=data.certified_on, level=data.level or "", comment=data.comment,
                             version=version, request=request)
    elif action.startswith("monitor_"):
        lifecycle.do_record_monitoring(user, workshop, action.removeprefix("monitor_"), on=data.on,
                                       comment=data.comment, version=version, request=request)
    elif action == "revoke":
        lifecycle.do_revoke(user, workshop, data.comment, version=version, request=request)
    elif action == "upgrade":
        lifecycle.do_upgrade(user, workshop, on=data.on, comment=data.comment, version=version, request=request)
    set_etag(response, workshop)
    return _detail(request, workshop)


@workshops.get("/{workshop_id}/evaluation", response=responses({200: EvaluationOut}, 400, 401, 403, 404, 422),
               url_name="workshop_evaluation")
def workshop_evaluation(request, workshop_id: Id, params: Query[EvaluationQuery]):
    """The workshop against the criteria in force for a purpose at the end of a quarter, criterion by criterion."""
    require(request.auth, Perm.VIEW_EMPLOYERS)
    workshop = selectors.get_workshop_for_user(request.auth, workshop_id)
    if params.quarter:
        on = ev.parse_quarter(params.quarter)
    else:
        year, quarter = ev.quarter_of(timezone.localdate())
        on = ev.quarter_end(year, quarter)
    return ev.evaluate_one(workshop, on, params.purpose).as_dict()


@criteria.get("", response=responses({200: list[CriteriaSetOut]}, 401, 403), url_name="workshop_criteria")
def list_criteria(request):
    """Every criteria set with its criteria (policy data, readable by whoever sees workshops)."""
    require(request.auth, Perm.VIEW_EMPLOYERS)
    return CriteriaSet.objects.prefetch_related("criteria").order_by("region_prefix", "purpose", "-effective_from")


# --- site rent relief rules ------------------------------------------------------------------------

class RentRuleOut(Schema):
    id: int
    region_prefix: str
    name: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    shares: list[float] = Field(description="share of the rent payable in each year from the start date "
                                            "(0 free, 0.5 half); full rent after the years listed")
    note: str
    version: int


RegionPrefixOrAll = Annotated[str, Field(pattern=r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$",
                                         description="a region code prefix; \"\" for the whole country")]
Share = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]


class RentRulePatch(Schema):
    region_prefix: RegionPrefixOrAll = None
    name: text(100, min_length=1) = None
    effective_from: IsoDate = None
    effective_to: IsoDate | None = None
    shares: list[Share] = Field(None, min_length=1, max_length=MAX_RENT_YEARS,
                                description="fractions: [0, 0, 0, 0.5, 0.5] is 三免两减半")
    note: text(2000, multiline=True) = None


class RentRuleCreate(RentRulePatch):
    region_prefix: RegionPrefixOrAll  # said even for the whole country: never by leaving it out
    name: text(100, min_length=1)
    effective_from: IsoDate
    shares: list[Share] = Field(min_length=1, max_length=MAX_RENT_YEARS,
                                description="fractions: [0, 0, 0, 0.5, 0.5] is 三免两减半")


@rent_rules.get("", response=responses({200: list[RentRuleOut]}, 400, 401, 403), url_name="rent_rule_list")
@paginate(Pages)
def list_rent_rules(request):
    """The rules of your region and below, and those above it that apply there too (MANAGE_POLICY)."""
    return rent.rent_rules_for_user(request.auth).order_by("region_prefix", "-effective_from", "id")


@rent_rules.get("/{rule_id}", response=responses({200: RentRuleOut}, 401, 403, 404, 422), url_name="rent_rule")
def get_rent_rule(request, rule_id: Id, response: HttpResponse):
    """One rule; the ETag is its version (for `If-Match` on PATCH)."""
    rule = rent.get_rent_rule_for_user(request.auth, rule_id)
    set_etag(response, rule)
    return rule


@rent_rules.post("", response=responses({201: RentRuleOut}, 400, 401, 403, 422))
def create_rent_rule(request, payload: RentRuleCreate, response: HttpResponse):
    """A rule of a region within yours. Two rules of one region may not be in force on the same day.
    The same `Idempotency-Key` again answers with the rule made."""
    require(request.auth, Perm.MANAGE_POLICY)
    rule = rent.do_create_rent_rule(request.auth, payload.model_dump(exclude_unset=True),
                                    key=idempotency_key(request), request=request)
    set_etag(response, rule)
    return Status(201, rule)


@rent_rules.patch("/{rule_id}", response=responses({200: RentRuleOut}, 400, 401, 403, 404, 412, 422))
def update_rent_rule(request, rule_id: Id, payload: RentRulePatch, response: HttpResponse):
    """Change the fields sent (`shares` replaces the list). Send the ETag of your GET as `If-Match`: a
    rule changed since answers 412 with what changed. A rule above your region answers 403."""
    rule = rent.get_rent_rule_for_user(request.auth, rule_id)
    rent.do_update_rent_rule(request.auth, rule, payload.model_dump(exclude_unset=True),
                             version=expected_version(request), request=request)
    set_etag(response, rule)
    return rule


@rent_rules.get("/{rule_id}/history", response=responses({200: list[HistoryEntryOut]}, 401, 403, 404, 422),
                url_name="rent_rule_history")
def rent_rule_history(request, rule_id: Id):
    """Who changed the rule, what and when, newest first."""
    rule = rent.get_rent_rule_for_user(request.auth, rule_id)
    return [{"at": e.at, "user": e.user, "kind": e.kind, "reason": e.reason,
             "changes": [{"field": ch.field, "label": ch.label, "old": ch.old, "new": ch.new} for ch in e.changes]}
            for e in history_entries(rule)]
