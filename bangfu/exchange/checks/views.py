"""The 核查 pages: the checks with their counts, one check's findings by village, a run."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core.pages import paginate, requires
from bangfu.exchange.checks import definitions, selectors
from bangfu.exchange.checks.definitions import PERSON
from bangfu.exchange.checks.exports import FINDINGS
from bangfu.exchange.checks.permissions import Perm
from bangfu.exchange.checks.runner import run_for_user
from bangfu.regions.models import Region
from bangfu.registry import selectors as ledger


@requires(Perm.VIEW_CHECKS)
def check_list(request):
    counts = selectors.counts_by_check(selectors.findings_for_user(request.user))
    rows = [(check, counts.get(check.id, 0)) for check in definitions.all_checks()]
    return render(request, "checks/list.html", {"rows": rows, "last_run": selectors.last_run(request.user)})


@require_POST
@requires(Perm.RUN_CHECKS)
def check_run(request):
    run = run_for_user(request.user, request=request)
    messages.success(request, _("核查已完成，共发现 %(n)d 条问题") % {"n": sum(run.counts.values())})
    return redirect("check_list")


def _names(region_codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(region_codes)).values_list("code", "name"))


@requires(Perm.VIEW_CHECKS)
def check_detail(request, check_id):
    try:
        check = definitions.get(check_id)
    except KeyError:
        raise Http404 from None
    mine = selectors.findings_for_user(request.user).filter(check_id=check.id)
    villages = selectors.counts_by_village(mine)
    findings = FINDINGS.apply(mine, request.GET)
    page = paginate(request, findings)
    ids = [finding.record_id for finding in page]
    source = ledger.people_for_user if check.model == PERSON else ledger.households_for_user
    records = source(request.user).in_bulk(ids)
    names = _names([code for code, _n in villages])
    for finding in page:
        finding.record = records.get(finding.record_id)
        finding.village = names.get(finding.region_code, finding.region_code)
        finding.reason_label = check.reason_label(finding.reason)
    return render(request, "checks/detail.html", {
        "check": check, "page": page, "region": request.GET.get("region", ""),
        "villages": [(code, names.get(code, code), count) for code, count in villages],
    })
