from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "bangfu.regions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from bangfu.core import plugins
        from bangfu.regions import picker
        from bangfu.regions.models import Region

        post_save.connect(picker.forget, sender=Region, dispatch_uid="regions-picker-save")
        post_delete.connect(picker.forget, sender=Region, dispatch_uid="regions-picker-delete")

        plugins.register(plugins.App(
            name="regions", urls="bangfu.regions.urls", api=(("/regions", "bangfu.regions.api:router"),),
        ))
