from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bangfu.core"
    default_auto_field = "django.db.models.BigAutoField"
