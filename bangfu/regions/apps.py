from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "bangfu.regions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bangfu.core import plugins

        plugins.register(plugins.App(
            name="regions", urls="bangfu.regions.urls", api=(("/regions", "bangfu.regions.api:router"),),
        ))
