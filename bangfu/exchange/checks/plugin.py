"""How the checks plug into the platform: permissions, pages, menu, home section, export."""

from django.utils.translation import gettext_lazy as _

from bangfu.core import plugins
from bangfu.exchange.checks import definitions, selectors
from bangfu.exchange.checks.exports import FINDINGS_EXPORT
from bangfu.exchange.checks.permissions import Perm, grant_roles


def _home(user) -> dict:
    findings = selectors.findings_in_reach(user)
    if findings is None:  # a narrowed view: the 核查 page matches its findings to the records
        return {"counted": False, "last_run": selectors.last_run(user)}
    counts = selectors.counts_by_check(findings)
    by_severity = {severity: 0 for severity in definitions.Severity.LABELS}
    for check in definitions.all_checks():
        by_severity[check.severity] += counts.get(check.id, 0)
    return {"counted": True, "errors": by_severity[definitions.Severity.ERROR],
            "warnings": by_severity[definitions.Severity.WARNING],
            "last_run": selectors.last_run(user)}


def register() -> None:
    grant_roles()
    plugins.register(plugins.App(
        name="checks",
        urls="bangfu.exchange.checks.urls",
        nav=(plugins.NavItem(_("核查"), "check_list", Perm.VIEW_CHECKS, 50, active=("check_detail",)),),
        home=(plugins.HomeSection("checks/_home.html", _home, Perm.VIEW_CHECKS, 20),),
        exports=(FINDINGS_EXPORT,),
    ))
