from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "bangfu.exchange.checks"
    label = "checks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bangfu.exchange.checks import plugin

        plugin.register()
