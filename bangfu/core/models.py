from django.db import models


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
