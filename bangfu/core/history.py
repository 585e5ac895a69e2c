"""Who changed a record, and its history as rows a person can read.

Every write names its actor: actions set it on the instance they save, and code outside a request
(CLI commands, background tasks, imports) runs inside `acting_as(user)`, so history rows never
lose their author. Bulk changes write their history rows set-based with `bulk_history`.
"""

import contextlib
import contextvars
import dataclasses
import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_field_name

from bangfu.core import sensitive

_actor: contextvars.ContextVar = contextvars.ContextVar("bangfu_actor", default=None)


@contextlib.contextmanager
def acting_as(user):
    """Everything saved inside is written in this user's name (CLI commands, tasks, imports)."""
    token = _actor.set(user)
    try:
        yield user
    finally:
        _actor.reset(token)


def current_actor():
    return _actor.get()


def history_user(instance=None, request=None, **kwargs):
    """simple_history's `get_user`: the acting user of `acting_as`, else the request's user.
    (An action's own `instance._history_user` comes first; simple_history reads it itself.)"""
    actor = _actor.get()
    if actor is not None:
        return actor
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def bulk_history(model, records, user, reason: str) -> None:
    """History rows for records changed by one set-based UPDATE (their state after it)."""
    records = list(records)
    if records:
        rows = model.history.bulk_history_create(records, update=True, default_user=user or current_actor(),
                                                 default_change_reason=reason)
        _copy_links(model, rows)


def record_baselines(model, records) -> None:
    """A first history row, dated at creation, for records that have none yet (generated or
    imported in bulk), so that a change shows what it changed from."""
    records = list(records)
    for record in records:
        record._history_date = record.created_at
    if records:
        _copy_links(model, model.history.bulk_history_create(records, default_change_reason=_("初始登记")))


def save_with_links(record, change_links=None) -> None:
    """Save a record and change its many-to-many links (`change_links()`) as one history row holding
    the links as they are after the change. Left alone, simple_history writes a row for the save
    with the links before the change, then one more for every removal and addition of links."""
    if change_links is None:
        record.save()
        return
    creating = record.pk is None
    if not creating:
        with _links_unrecorded(record):
            change_links()
    record.save()  # the history row copies the links as they are now
    if creating:  # links need the record's key: the creation row is given them afterwards
        with _links_unrecorded(record):
            change_links()
        _copy_links(type(record), [record.history.order_by("-history_date", "-history_id").first()])


@contextlib.contextmanager
def _links_unrecorded(record):
    record.skip_history_when_saving = True  # simple_history's own switch; its m2m handler reads it too
    try:
        yield
    finally:
        del record.skip_history_when_saving


LINK_BATCH = 5_000


def _copy_links(model, rows) -> None:
    """Give history rows their records' many-to-many links as they are now (simple_history copies
    them on save() only; rows written in bulk would otherwise show every link as added later)."""
    history_model = model.history.model
    key = model._meta.pk.attname
    rows = [row for row in rows if row is not None]
    for field in getattr(history_model, "_history_m2m_fields", ()):
        link_model = getattr(history_model, field.name).model
        through = field.remote_field.through
        own = through._meta.get_field(get_m2m_field_name(field)).attname
        columns = [f.attname for f in through._meta.fields]
        for start in range(0, len(rows), LINK_BATCH):
            batch = rows[start:start + LINK_BATCH]
            links: dict = {}
            for link in through.objects.filter(**{f"{own}__in": {getattr(row, key) for row in batch}}):
                links.setdefault(getattr(link, own), []).append(link)
            link_model.objects.filter(history__in=[row.history_id for row in batch]).delete()
            link_model.objects.bulk_create([
                link_model(history_id=row.history_id, **{column: getattr(link, column) for column in columns})
                for row in batch for link in links.get(getattr(row, key), ())])


# Bookkeeping columns of every history table, never shown as a change.
BOOKKEEPING = {"id", "history_id", "history_date", "history_change_reason", "history_type", "history_user_id",
               "created_at", "updated_at", "version"}


@dataclasses.dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclasses.dataclass
class Entry:
    at: datetime.datetime
    user: str
    kind: str
    reason: str
    changes: list[Change]
    created: bool


def display_value(field, value) -> str:
    """A stored value as a reader sees it: a choice's label, 是/否, — for nothing."""
    if value in (None, ""):
        return "—"
    if field is not None and field.many_to_many:
        # simple-history gives m2m values as through-table rows: {"person": 1, "skill": 3}
        ids = [row.get(field.m2m_reverse_field_name()) for row in value]
        names = field.related_model.objects.filter(pk__in=ids).values_list("name", flat=True)
        return "、".join(sorted(names)) or "—"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def history_entries(obj, limit: int = 200, hidden: frozenset[str] = frozenset()) -> list[Entry]:
    """Newest first; each entry compares a historical record with the one before it.

    `hidden` names columns that only follow another one (a name's pinyin): their change shows once,
    under the field a user knows. A sensitive identifier's change shows only that it changed."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    if not records:
        # Made in bulk (generated, imported) and never changed: its first row is written by its first
        # change (record_baselines). Until then, show the creation as that row will.
        return [Entry(at=getattr(obj, "created_at", None), user=_("系统"), kind=_("新增"), reason=_("初始登记"),
                      changes=[], created=True)]
    entries = []
    kinds = {"+": _("新增"), "~": _("修改"), "-": _("删除")}
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = _changes(obj._meta.model, record, previous, hidden) if previous is not None else []
        user = record.history_user
        entries.append(Entry(
            at=record.history_date,
            user=(user.get_full_name() or user.get_username()) if user else _("系统"),
            kind=kinds.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
            changes=changes,
            created=record.history_type == "+",
        ))
    return entries


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a history column the model no longer has
        return None


def changes_since(obj, version: int, hidden: frozenset[str] = frozenset()) -> list[Change]:
    """What changed in a versioned record after `version`: its latest history row against the
    last row of that version."""
    rows = obj.history.order_by("-history_date", "-history_id")
    latest, before = rows.first(), rows.filter(version=version).first()
    if latest is None or before is None:
        return []
    return _changes(obj._meta.model, latest, before, hidden)


def _changes(model, record, previous, hidden: frozenset[str]) -> list[Change]:
    """The readable changes between two history rows: bookkeeping and derived columns left out,
    an identifier shown only as changed."""
    hidden = BOOKKEEPING | hidden | sensitive.hidden_columns(model)
    identifiers = sensitive.hash_columns(model)
    changes = []
    for change in record.diff_against(previous).changes:
        if change.field in hidden:
            continue
        if change.field in identifiers:
            declared = identifiers[change.field]
            changes.append(Change(declared.name, str(declared.label), _("（已加密）"), _("已更改")))
            continue
        field = _field(model, change.field)
        label = str(field.verbose_name) if field is not None else change.field
        if field is not None and field.is_relation and field.many_to_one:
            old, new = change.old, change.new
        else:
            old, new = display_value(field, change.old), display_value(field, change.new)
        changes.append(Change(change.field, label, str(old or "—"), str(new or "—")))
    return changes
