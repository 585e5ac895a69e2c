"""Who sees the checks' results and who runs them."""

from django.utils.translation import gettext_lazy as _

from bangfu.accounts.models import Role
from bangfu.core.permissions import define, grant
from bangfu.registry.permissions import OFFICERS


class Perm:
    VIEW_CHECKS = define("view_checks", _("查看核查结果"))
    RUN_CHECKS = define("run_checks", _("运行核查"))


def grant_roles() -> None:
    # Results for those who read the ledger; runs for the officers who edit it.
    grant([*OFFICERS, Role.SURVEYOR, Role.AUDITOR], Perm.VIEW_CHECKS)
    grant(OFFICERS, Perm.RUN_CHECKS)
