from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "bangfu.employers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bangfu.employers import plugin

        plugin.register()
