"""Concurrent and repeated writes: record versions (a stale edit is refused) and submission keys
(a repeated submission creates one record)."""

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bangfu.core.models import Submission


class StaleEdit(Exception):
    """The record changed since the editor loaded it (their version is older than the stored one)."""

    def __init__(self, record, expected: int, changes: list):
        self.record = record
        self.expected = expected
        self.changes = changes  # core.history.Change rows: what changed since `expected`
        fields = "、".join(dict.fromkeys(change.label for change in changes)) or _("（无可见字段）")
        super().__init__(_("该记录已被他人修改（版本 %(old)d → %(new)d，修改了：%(fields)s），请刷新后重新编辑") % {
            "old": expected, "new": record.version, "fields": fields})


def lock(model, pk):
    """The record as stored now, locked until the transaction ends (PostgreSQL: FOR UPDATE;
    SQLite serialises writing transactions anyway)."""
    return model.objects.select_for_update().get(pk=pk)


def check_version(current, expected: int | None, changes_since) -> None:
    """Refuse an edit made on an older version; `changes_since(record, version)` lists what changed."""
    if expected is not None and int(expected) != current.version:
        raise StaleEdit(current, int(expected), changes_since(current, int(expected)))


def once(user, key: str | None, create):
    """Run `create()` (which saves and returns a record) once per submission key and user.
    Returns (record, created). Must run inside a transaction."""
    if not key:
        return create(), True
    user_id = getattr(user, "pk", None)  # None for no user, or an anonymous one
    full_key = f"{user_id or ''}:{key}"[:100]
    try:
        with transaction.atomic():
            submission = Submission.objects.create(key=full_key, user=user if user_id else None)
    except IntegrityError:
        # Taken: by a request already finished, or (PostgreSQL) one that committed while we waited.
        submission = Submission.objects.get(key=full_key)
        if not submission.object_type:
            raise
        return apps.get_model(submission.object_type).objects.get(pk=submission.object_id), False
    record = create()
    submission.object_type, submission.object_id = record._meta.label_lower, str(record.pk)
    submission.save(update_fields=["object_type", "object_id"])
    return record, True
