"""Employers and the quota parameters over the API (thin: selectors, actions, quota)."""

from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from bangfu.core.history import history_entries
from bangfu.core.permissions import require
from bangfu.core.schemas import (
    Flag,
    Id,
    RegionCode,
    codes,
    expected_version,
    idempotency_key,
    number,
    responses,
    set_etag,
    text,
    whole_number,
)
from bangfu.employers import choices as c
from bangfu.employers.models import Employer, QuotaRule
from bangfu.employers.organisations import actions, filters, quota, selectors
from bangfu.employers.organisations.rules import MAX_STAFF, MAX_WAGE
from bangfu.employers.permissions import Perm
from bangfu.registry.api import Pages
from bangfu.registry.schemas import HistoryEntryOut

employers = Router(tags=["employers"])
quota_rules = Router(tags=["quota rules"])

EmployerFilters = filters.EMPLOYERS.schema()
EmployerSort = filters.EMPLOYER_SORTS.schema()
Year = whole_number(2000, 2100)


class EmployerOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    credit_code: str
    industry_code: str | None
    industry_name: str | None
    region_code: str
    address: str
    contact_name: str
    contact_phone: str
    staff_count: int
    disabled_staff_count: int
    average_wage: int | None = Field(description="the employer's average annual wage of last year, yuan")
    active: bool
    version: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_industry_code(obj) -> str | None:
        return obj.industry.code if obj.industry_id else None

    @staticmethod
    def resolve_industry_name(obj) -> str | None:
        return obj.industry.name if obj.industry_id else None


IndustryCode = Annotated[str, Field(pattern=r"^(?:[A-Za-z]|[0-9]{2,4})$")]


class EmployerPatch(Schema):
    name: text(200, min_length=1) = None
    credit_code: Annotated[str, Field(pattern=r"^[0-9A-Za-z ]{1,30}$")] = None
    kind: codes(c.EmployerKind) | None = Field(None, description="read from the credit code when null")
    industry: IndustryCode | None = Field(None, description="GB/T 4754 code: a section letter or 2–4 digits")
    region_code: RegionCode = None
    address: text(200) = None
    contact_name: text(50) = None
    contact_phone: text(20) = None
    staff_count: number(0, MAX_STAFF) = None
    disabled_staff_count: number(0, MAX_STAFF) = None
    average_wage: number(0, MAX_WAGE) | None = None
    active: Flag = None


class EmployerCreate(EmployerPatch):
    name: text(200, min_length=1)
    credit_code: Annotated[str, Field(pattern=r"^[0-9A-Za-z ]{1,30}$")]
    region_code: RegionCode


def _employer_data(payload: EmployerPatch) -> dict:
    data = payload.model_dump(exclude_unset=True)
    for field in ("industry", "kind"):
        if field in data and data[field] is None:
            data[field] = ""
    return data


@employers.get("", response=responses({200: list[EmployerOut]}, 400, 401, 403), url_name="employer_list")
@paginate(Pages)
def list_employers(request, params: Query[EmployerFilters], order: Query[EmployerSort]):
    """Employers you may see (an operator: its own), filtered and sorted like the page."""
    require(request.auth, Perm.VIEW_EMPLOYERS)
    queryset = filters.EMPLOYERS.apply(selectors.employers_for_user(request.auth),
                                       params.model_dump(exclude_none=True))
    return filters.EMPLOYER_SORTS.apply(queryset.select_related("industry"), order.sort)


@employers.get("/{employer_id}", response=responses({200: EmployerOut}, 401, 403, 404, 422), url_name="employer")
def get_employer(request, employer_id: Id, response: HttpResponse):
    """The employer; the ETag is its version (for `If-Match` on PATCH)."""
    require(request.auth, Perm.VIEW_EMPLOYERS)
    employer = selectors.get_employer_for_user(request.auth, employer_id)
    set_etag(response, employer)
    return employer


@employers.post("", response=responses({201: EmployerOut}, 400, 401, 403, 422))
def create_employer(request, payload: EmployerCreate, response: HttpResponse):
    """Register an employer. The same `Idempotency-Key` again answers with the employer already made."""
    require(request.auth, Perm.EDIT_EMPLOYERS)
    employer = actions.do_create_employer(request.auth, _employer_data(payload), key=idempotency_key(request),
                                          request=request)
    set_etag(response, employer)
    return Status(201, Employer.objects.select_related("industry").get(pk=employer.pk))


@employers.patch("/{employer_id}", response=responses({200: EmployerOut}, 400, 401, 403, 404, 412, 422))
def update_employer(request, employer_id: Id, payload: EmployerPatch, response: HttpResponse):
    """Change the fields sent. Send the ETag of your GET as `If-Match`: an employer changed since
    answers 412 with what changed."""
    require(request.auth, Perm.EDIT_EMPLOYERS)
    employer = selectors.get_employer_for_user(request.auth, employer_id, Perm.EDIT_EMPLOYERS)
    actions.do_update_employer(request.auth, employer, _employer_data(payload), version=expected_version(request),
                               request=request)
    set_etag(response, employer)
    return Employer.objects.select_related("industry").get(pk=employer.pk)


@employers.get("/{employer_id}/history", response=responses({200: list[HistoryEntryOut]}, 401, 403, 404, 422),
               url_name="employer_history")
def employer_history(request, employer_id: Id):
    """Who changed what and when, newest first."""
    require(request.auth, Perm.VIEW_EMPLOYERS)
    return _history(selectors.get_employer_for_user(request.auth, employer_id))


def _history(record) -> list[dict]:
    return [{"at": e.at, "user": e.user, "kind": e.kind, "reason": e.reason,
             "changes": [{"field": ch.field, "label": ch.label, "old": ch.old, "new": ch.new} for ch in e.changes]}
            for e in history_entries(record)]


class StepOut(Schema):
    title: str
    text: str


class QuotaOut(Schema):
    year: int
    computed: bool = Field(description="false when no rule covers the employer for the year")
    rule_id: int | None
    rule_region_prefix: str | None
    staff: int
    declared_disabled: int = Field(description="the declared disabled staff: the count the levy uses")
    disabled_in_ledger: int | None = Field(description="open employment records of disabled people under "
                                                       "the rule's retirement age (shown for checking)")
    required: Decimal | None
    shortfall: Decimal | None
    wage: Decimal | None
    share: Decimal | None
    levy: Decimal | None = Field(description="残疾人就业保障金, yuan")
    exempt: bool
    conclusion: str
    steps: list[StepOut]


class QuotaQuery(Schema):
    year: Year = Field(None, description="the year (default this year)")


@employers.get("/{employer_id}/quota", response=responses({200: QuotaOut}, 400, 401, 403, 404, 422),
               url_name="employer_quota")
def employer_quota(request, employer_id: Id, params: Query[QuotaQuery]):
    """The disabled-employment quota of the employer for a year, explained step by step."""
    require(request.auth, Perm.VIEW_EMPLOYERS)
    employer = selectors.get_employer_for_user(request.auth, employer_id)
    result = quota.explain(employer, params.year or timezone.localdate().year)
    return {
        "year": result.year, "computed": result.computed, "rule_id": getattr(result.rule, "pk", None),
        "rule_region_prefix": getattr(result.rule, "region_prefix", None), "staff": result.staff,
        "declared_disabled": result.declared, "disabled_in_ledger": result.in_ledger, "required": result.required,
        "shortfall": result.shortfall, "wage": result.wage, "share": result.share, "levy": result.levy,
        "exempt": result.exempt, "conclusion": result.conclusion,
        "steps": [{"title": step.title, "text": step.text} for step in result.steps],
    }


# --- quota parameters -----------------------------------------------------------------------------

class QuotaRuleOut(Schema):
    id: int
    region_prefix: str
    year: int
    ratio: Decimal
    local_average_wage: int
    wage_cap_multiple: Decimal
    exempt_up_to_staff: int
    reduced_from_ratio: Decimal | None
    share_from_reduced: Decimal | None
    share_below_reduced: Decimal | None
    retirement_age_male: int
    retirement_age_female: int
    note: str
    version: int


Fraction = Annotated[Decimal, Field(gt=0, le=1, max_digits=6, decimal_places=4)]


RegionPrefixOrAll = Annotated[str, Field(pattern=r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$",
                                         description="a region code prefix; \"\" for the whole country")]


class QuotaRulePatch(Schema):
    region_prefix: RegionPrefixOrAll = None
    year: number(2000, 2100) = None
    ratio: Fraction = Field(None, description="a fraction: 0.015 for 1.5%")
    local_average_wage: number(1, MAX_WAGE) = None
    wage_cap_multiple: Annotated[Decimal, Field(ge=1, le=10, max_digits=4, decimal_places=2)] = None
    exempt_up_to_staff: number(0, 100_000) = None
    reduced_from_ratio: Fraction | None = None
    share_from_reduced: Fraction | None = None
    share_below_reduced: Fraction | None = None
    retirement_age_male: number(40, 75) = None
    retirement_age_female: number(40, 75) = None
    note: text(200) = None


class QuotaRuleCreate(QuotaRulePatch):
    region_prefix: RegionPrefixOrAll  # said even for the whole country: never by leaving it out
    year: number(2000, 2100)
    ratio: Fraction = Field(description="a fraction: 0.015 for 1.5%")
    local_average_wage: number(1, MAX_WAGE)


@quota_rules.get("", response=responses({200: list[QuotaRuleOut]}, 400, 401, 403), url_name="quota_rule_list")
@paginate(Pages)
def list_quota_rules(request):
    """The quota parameters, newest year first (administrators: MANAGE_POLICY)."""
    return selectors.quota_rules_for_user(request.auth).order_by("-year", "region_prefix", "id")


@quota_rules.post("", response=responses({201: QuotaRuleOut}, 400, 401, 403, 422))
def create_quota_rule(request, payload: QuotaRuleCreate):
    """Enter the parameters of a region and year. The same `Idempotency-Key` again answers with the rule made."""
    require(request.auth, Perm.MANAGE_POLICY)
    rule = actions.do_create_quota_rule(request.auth, payload.model_dump(exclude_unset=True),
                                        key=idempotency_key(request), request=request)
    return Status(201, rule)


def _quota_rule(request, rule_id: int) -> QuotaRule:
    rule = selectors.quota_rules_for_user(request.auth).filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    return rule


@quota_rules.get("/{rule_id}", response=responses({200: QuotaRuleOut}, 401, 403, 404, 422), url_name="quota_rule")
def get_quota_rule(request, rule_id: Id, response: HttpResponse):
    """One year's parameters of a region; the ETag is its version (for `If-Match` on PATCH)."""
    rule = _quota_rule(request, rule_id)
    set_etag(response, rule)
    return rule


@quota_rules.patch("/{rule_id}", response=responses({200: QuotaRuleOut}, 400, 401, 403, 404, 412, 422))
def update_quota_rule(request, rule_id: Id, payload: QuotaRulePatch, response: HttpResponse):
    """Change the fields sent. Send the ETag of your GET as `If-Match`: parameters changed by someone
    else since then answer 412 with what changed, and nothing is saved."""
    rule = _quota_rule(request, rule_id)
    actions.do_update_quota_rule(request.auth, rule, payload.model_dump(exclude_unset=True),
                                 version=expected_version(request), request=request)
    set_etag(response, rule)
    return rule


@quota_rules.get("/{rule_id}/history", response=responses({200: list[HistoryEntryOut]}, 401, 403, 404, 422),
                 url_name="quota_rule_history")
def quota_rule_history(request, rule_id: Id):
    """Who changed the parameters, what and when, newest first."""
    return _history(_quota_rule(request, rule_id))

