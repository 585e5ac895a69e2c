from django.apps import AppConfig


class BangfuConfig(AppConfig):
    name = "bangfu"
    verbose_name = "bangfu"

    def ready(self):
        from bangfu import checks  # noqa: F401  (registers the system checks)
