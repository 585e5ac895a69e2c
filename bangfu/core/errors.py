"""Refusals that every surface answers the same way (pages as form errors, the API as 409)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bangfu.core.sensitive import identifier_revealed, identifiers_of


class Duplicate(ValidationError):
    """The record is on file already. `existing` is named only to a user who may see it
    (`visible`); anyone else learns just that the value is taken."""

    def __init__(self, field: str, message, existing=None, visible: bool = False, api_url: str | None = None):
        self.field = field
        self.existing = existing
        self.visible = visible and existing is not None
        self.api_url = api_url if self.visible else None
        super().__init__({field: [ValidationError(message, code="duplicate")]})


class TooMany(ValidationError):
    """Refused for now: the user has made too many attempts of a kind in a window (pages show the
    message as a form error, the API answers 429)."""

    def __init__(self, message):
        super().__init__(message, code="too_many")


def announce_duplicate(duplicate: Duplicate, user, request=None) -> None:
    """A duplicate of a sensitive identifier that names the record on file confirms whose the whole
    value is (an ID number typed in full): it is written to the audit log as a reveal."""
    if duplicate.visible and duplicate.field in identifiers_of(type(duplicate.existing)):
        identifier_revealed.send(sender=type(duplicate.existing), user=user, obj=duplicate.existing,
                                 field=duplicate.field, request=request, reason=_("登记时号码重复"))
