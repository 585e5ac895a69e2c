from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bangfu.core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bangfu.core import lookups  # noqa: F401 (registers field__prefix_range)
