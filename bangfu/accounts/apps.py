from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bangfu.accounts"
    default_auto_field = "django.db.models.BigAutoField"
