from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "bangfu.exchange"

    def ready(self):
        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import pgettext_lazy

        from bangfu.core import plugins
        from bangfu.registry.permissions import Perm

        plugins.register(plugins.App(
            name="exchange", urls="bangfu.exchange.urls",
            api=(("/exports", "bangfu.exchange.api:router"), ("/imports", "bangfu.exchange.api:imports"),
                 ("/checks", "bangfu.exchange.checks_api:router")),
            nav=(plugins.NavItem(pgettext_lazy("menu", "导入"), "import_upload", Perm.EDIT_LEDGER, 60,
                                 active=("import_jobs", "import_job", "import_mapping")),
                 plugins.NavItem(_("我的导出"), "export_jobs", Perm.EXPORT, 90, active=("export_job",))),
        ))
