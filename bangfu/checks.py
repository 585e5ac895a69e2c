"""System checks that stop a production start with an unsafe configuration."""

from django.conf import settings
from django.core.checks import Error, register

from bangfu.core import crypto


@register(deploy=False)
def production_settings(app_configs, **kwargs):
    if not settings.PRODUCTION:
        return []
    errors = []
    if settings.DEBUG:
        errors.append(Error("BANGFU_DEBUG is on in production mode.", id="bangfu.E001"))
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY or len(settings.SECRET_KEY) < 40:
        errors.append(
            Error("BANGFU_SECRET_KEY is the development default or shorter than 40 characters.",
                  id="bangfu.E002")
        )
    if not settings.FIELD_KEY:
        errors.append(Error("BANGFU_FIELD_KEY is not set: personal identifiers cannot be encrypted.",
                            id="bangfu.E003"))
    else:
        try:
            crypto.decode_key(settings.FIELD_KEY)
        except ValueError as exc:
            errors.append(Error(f"BANGFU_FIELD_KEY: {exc}", id="bangfu.E004"))
    return errors
