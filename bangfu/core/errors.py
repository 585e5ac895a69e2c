"""Refusals that every surface answers the same way (pages as form errors, the API as 409)."""

from django.core.exceptions import ValidationError


class Duplicate(ValidationError):
    """The record is on file already. `existing` is named only to a user who may see it
    (`visible`); anyone else learns just that the value is taken."""

    def __init__(self, field: str, message, existing=None, visible: bool = False, api_url: str | None = None):
        self.existing = existing
        self.visible = visible and existing is not None
        self.api_url = api_url if self.visible else None
        super().__init__({field: [ValidationError(message, code="duplicate")]})
