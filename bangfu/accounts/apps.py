from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bangfu.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bangfu.accounts import plugin
        from bangfu.accounts.models import Role
        from bangfu.audit.permissions import VIEW_AUDIT
        from bangfu.core.permissions import ALL, grant

        grant([Role.ADMIN], ALL)
        grant([Role.AUDITOR], VIEW_AUDIT)
        plugin.register()
