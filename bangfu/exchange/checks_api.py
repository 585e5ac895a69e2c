"""The check results (核查) over the API: the latest runs, the findings counted per check and per
village, and one check's findings page by page; read through the checks' selectors, so a caller
sees no more than the 核查 pages show them (their region, their role's view of the ledger)."""

import datetime
from typing import Annotated

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StringConstraints

from bangfu.core.permissions import prefix_q, reach_of, require
from bangfu.core.schemas import RegionPrefix, responses
from bangfu.exchange.checks import definitions, selectors
from bangfu.exchange.checks.definitions import PERSON
from bangfu.exchange.checks.exports import with_records
from bangfu.exchange.checks.models import CheckRun
from bangfu.exchange.checks.permissions import Perm
from bangfu.regions.models import Region
from bangfu.registry.api import Pages

router = Router(tags=["checks"])

CheckId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.]{1,60}$")]
RUNS = 20  # runs listed


class RunOut(Schema):
    id: int
    region_prefix: str = Field(description="the region the run covered (a code prefix; '' is everywhere)")
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    findings: int | None = Field(description="what it found; null for a run over more than your region")


class CheckOut(Schema):
    id: str
    title: str
    description: str
    severity: str
    severity_label: str
    model: str = Field(description="what it flags: person or household")
    findings: int


class VillageOut(Schema):
    region_code: str
    name: str
    findings: int


class SummaryOut(Schema):
    last_run: RunOut | None = Field(description="the latest finished run covering all of your region")
    checks: list[CheckOut]
    villages: list[VillageOut] = Field(description="findings per village, of every check")


class FindingOut(Schema):
    id: int
    check_id: str
    model: str = Field(description="person or household")
    record_id: int
    record: str = Field(description="the person's name, or the household's number and head")
    record_url: str = Field(description="the record in the API")
    region_code: str
    village: str
    reason: str
    reason_label: str

    @staticmethod
    def resolve_record(finding) -> str:
        if finding.model == PERSON:
            return finding.person_name or ""
        return f"{finding.household_number or ''} {finding.household_head or ''}".strip()

    @staticmethod
    def resolve_record_url(finding) -> str:
        return reverse("api:person" if finding.model == PERSON else "api:household", args=[finding.record_id])

    @staticmethod
    def resolve_village(finding) -> str:
        return finding.village or finding.region_code

    @staticmethod
    def resolve_reason_label(finding) -> str:
        return definitions.get(finding.check_id).reason_label(finding.reason)


class FindingFilters(Schema):
    region: RegionPrefix | None = Field(None, description="region code or its leading digits (a village's code)")


def _names(region_codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(region_codes)).values_list("code", "name"))


def _prefix(user) -> str | None:
    reach = reach_of(user)
    return "" if reach.everything else reach.region_prefix


def _run_out(run: CheckRun, user) -> dict:
    prefix = _prefix(user)
    # A run's counts are told only for a run inside the region, to a view that is not narrowed.
    told = (prefix is not None and run.region_prefix.startswith(prefix)
            and selectors.findings_in_reach(user) is not None)
    return {"id": run.pk, "region_prefix": run.region_prefix, "started_at": run.started_at,
            "finished_at": run.finished_at, "findings": sum(run.counts.values()) if told else None}


@router.get("", response=responses({200: SummaryOut}, 401, 403), url_name="check_summary")
def summary(request):
    """The checks with their findings in your region, and the findings per village."""
    user = request.auth
    require(user, Perm.VIEW_CHECKS)
    findings = selectors.findings_for_user(user)
    counts = selectors.counts_by_check(findings)
    villages = selectors.counts_by_village(findings)
    names = _names(code for code, _n in villages)
    last = selectors.last_run(user)
    return {
        "last_run": _run_out(last, user) if last else None,
        "checks": [{"id": check.id, "title": str(check.title), "description": str(check.description),
                    "severity": check.severity, "severity_label": str(check.severity_label), "model": check.model,
                    "findings": counts.get(check.id, 0)} for check in definitions.all_checks()],
        "villages": [{"region_code": code, "name": names.get(code, code), "findings": count}
                     for code, count in villages],
    }


@router.get("/runs", response=responses({200: list[RunOut]}, 401, 403), url_name="check_runs")
def runs(request):
    """The latest runs (at most 20) over your region, a part of it, or a region containing it."""
    user = request.auth
    require(user, Perm.VIEW_CHECKS)
    prefix = _prefix(user)
    if prefix is None:
        return []
    covering = [prefix[:length] for length in range(len(prefix))]
    inside = CheckRun.objects.filter(prefix_q("region_prefix", prefix)) if prefix else CheckRun.objects.all()
    wider = CheckRun.objects.filter(region_prefix__in=covering)
    latest = (inside | wider).order_by("-started_at", "-id")[:RUNS]
    return [_run_out(run, user) for run in latest]


def _findings(user, check, region: str | None) -> QuerySet:
    findings = selectors.findings_for_user(user).filter(check_id=check.id)
    if region:
        findings = findings.filter(prefix_q("region_code", region))
    village = Region.objects.filter(code=OuterRef("region_code")).values("name")[:1]
    return with_records(findings).annotate(village=Subquery(village)).order_by("region_code", "id")


@router.get("/{check_id}/findings", response=responses({200: list[FindingOut]}, 400, 401, 403, 404, 422),
            url_name="check_findings")
@paginate(Pages)
def findings(request, check_id: CheckId, filters: Query[FindingFilters]):
    """One check's findings in your region (optionally in one village or township: `?region=`),
    by village, each with the record to fix."""
    user = request.auth
    require(user, Perm.VIEW_CHECKS)
    try:
        check = definitions.get(check_id)
    except KeyError:
        raise Http404 from None
    return _findings(user, check, filters.region)
