"""Who sees the checks' results and who runs them."""

from django.utils.translation import gettext_lazy as _

from bangfu.accounts.models import Role
from bangfu.core.permissions import define, grant
from bangfu.registry.permissions import OFFICERS


class Perm:
    VIEW_CHECKS = define("view_checks", _("查看核查结果"))
    RUN_CHECKS = define("run_checks", _("运行核查"))


def grant_roles() -> None:
    # Results for the officers and auditors who read the ledger; runs for the officers who edit it.
    # (Not yet for village surveyors: their permission set is pinned by the core and API tests.)
    grant([*OFFICERS, Role.AUDITOR], Perm.VIEW_CHECKS)
    grant(OFFICERS, Perm.RUN_CHECKS)
