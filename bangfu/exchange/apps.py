from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "bangfu.exchange"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from bangfu.core import plugins
        from bangfu.registry.permissions import Perm

        plugins.register(plugins.App(
            name="exchange", urls="bangfu.exchange.urls", api=(("/exports", "bangfu.exchange.api:router"),),
            nav=(plugins.NavItem(_("我的导出"), "export_jobs", Perm.EXPORT, 90, active=("export_job",)),),
        ))
