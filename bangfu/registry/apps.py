from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "bangfu.registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bangfu.registry import plugin

        plugin.register()
