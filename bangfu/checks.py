"""System checks that stop a production start with an unsafe configuration, and the database check
that the field keys can read the data (`bangfu check --database default`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError

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


@register(deploy=False)
def retired_field_keys(app_configs, **kwargs):
    errors = []
    for number, text in enumerate(settings.FIELD_KEYS_RETIRED, start=1):
        try:
            crypto.decode_key(text)
        except ValueError as exc:
            errors.append(Error(f"BANGFU_FIELD_KEYS_RETIRED, key {number}: {exc}", id="bangfu.E005"))
    return errors


@register(Tags.database)
def field_keys_match_data(app_configs, databases=None, **kwargs):
    """Data under a key that is not configured (read-only: `bangfu serve` records what it samples)."""
    if not databases or "default" not in databases:
        return []
    try:
        problems = crypto.verify_keys(record=False)
    except DatabaseError as exc:
        # Not an error: `bangfu migrate` runs this check too, before it brings an old schema up to date.
        return [CheckWarning(f"could not check the field keys against the data: {exc}",
                             hint="Run `bangfu migrate`.", id="bangfu.W001")]
    hint = "See 'Rotating the field key' in docs/operations.md."
    return [Error(problem, hint=hint, id="bangfu.E006") for problem in problems]
