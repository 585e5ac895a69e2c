import functools

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.encoding import force_str


class Submission(models.Model):
    """A form or API request already carried out: the same key again returns its record instead of
    creating a second one (a double click, a retried request)."""

    key = models.CharField(max_length=100, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.key


class FieldKey(models.Model):
    """A field key that has encrypted data in this database, by its key id (never the key itself).

    Written when a key first encrypts (bangfu.core.crypto.note_key_used), removed by `bangfu rotatekey`
    once no data is left under it; `crypto.verify_keys` compares it with the configured keys."""

    key_id = models.CharField(max_length=8, primary_key=True)
    first_used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_used_at"]

    def __str__(self):
        return self.key_id


@functools.cache
def _choice_labels(field, language: str | None) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


class ChoiceLabels:
    """`get_<field>_display()` from a table of labels made once per field and language. Django
    builds the field's choices into a dict at every call: fifty rows of a list with four choice
    columns each spent more time there than in the rest of the page."""

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name)
        value = getattr(self, field.attname)
        try:
            label = _choice_labels(field, translation.get_language()).get(value, value)
        except TypeError:  # an unhashable value: Django's own way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)
