"""The accounts app's permissions and which roles hold them (the administrator holds every one)."""

from django.utils.translation import gettext_lazy as _

from bangfu.accounts.models import Role
from bangfu.core.permissions import define, grant


class Perm:
    MANAGE_ACCOUNTS = define("manage_accounts", _("管理账号"))
    # The API's documentation, the menu entry and tokens of one's own. Officers of the county
    # offices and auditors connect other systems (statistics, audit tools); surveyors, township
    # officers and employer operators work in the pages only.
    USE_API = define("use_api", _("使用 API"))


API_ROLES = (Role.HRSS_OFFICER, Role.DPF_OFFICER, Role.AUDITOR)


def grant_roles() -> None:
    grant(API_ROLES, Perm.USE_API)
