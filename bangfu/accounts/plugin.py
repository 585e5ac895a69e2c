"""How accounts plug into the platform: their permissions, pages and menu entries."""

from django.utils.translation import gettext_lazy as _

from bangfu.accounts.permissions import Perm, grant_roles
from bangfu.core import plugins


def register() -> None:
    grant_roles()
    plugins.register(plugins.App(
        name="accounts",
        urls="bangfu.accounts.urls",
        nav=(
            plugins.NavItem(_("账号管理"), "account_list", Perm.MANAGE_ACCOUNTS, 90,
                            active=("account_create", "account_detail")),
            plugins.NavItem(_("API 令牌"), "token_list", Perm.USE_API, 95),
            plugins.NavItem(_("API 文档"), "api:openapi-view", Perm.USE_API, 96),
        ),
    ))
