"""Re-encrypting every personal identifier under the current field key (`bangfu rotatekey`).

A row is stale when one of its ciphertexts is not under the current key. Stale rows are taken in
batches ordered by primary key; each batch is re-encrypted, re-hashed and written with one
bulk_update in its own transaction, together with its history rows' hashes. A run that is stopped
keeps the batches it finished: the next run selects only what is still stale, and in between the
data stays readable (retired keys decrypt, `crypto.lookup_hashes` finds by either hash).
"""

import functools
import operator
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q

from bangfu.core import crypto, sensitive
from bangfu.core.models import FieldKey

# (old hashes of the value, new hash) for each (primary key, hash column) rewritten in a batch
Renamed = dict[tuple[object, str], tuple[set[str], str]]


def stale(model, ring: crypto.KeyRing) -> Q:
    """Rows holding a ciphertext that is not under the current key."""
    prefix = ring.current.prefix
    encs = [declared.columns[0] for declared in sensitive.identifiers_of(model).values()]
    return functools.reduce(operator.or_, [Q(**{f"{enc}__gt": ""}) & ~Q(**{f"{enc}__startswith": prefix})
                                           for enc in encs])


def count_stale(model, ring: crypto.KeyRing) -> int:
    return model.objects.filter(stale(model, ring)).count()


def rotate_model(model, *, batch_size: int, progress: Callable[[int, int], None] | None = None) -> int:
    """Re-encrypt the model's stale rows; returns how many were rewritten."""
    ring = crypto.key_ring()
    condition = stale(model, ring)
    total = model.objects.filter(condition).count()
    done, after = 0, None
    while True:
        with transaction.atomic():
            rows = _next_batch(model, condition, after, batch_size)
            if not rows:
                break
            _rotate_batch(model, rows, ring)
        done, after = done + len(rows), rows[-1].pk
        if progress is not None:
            progress(done, total)
    return done


def _next_batch(model, condition: Q, after, batch_size: int) -> list:
    columns = [column for declared in sensitive.identifiers_of(model).values() for column in declared.columns[:2]]
    rows = model.objects.filter(condition)
    if after is not None:
        rows = rows.filter(pk__gt=after)
    # Locked (PostgreSQL) so that an edit made meanwhile is not overwritten by the old value.
    return list(rows.select_for_update().order_by("pk").only("pk", *columns)[:batch_size])


def _rotate_batch(model, rows: list, ring: crypto.KeyRing) -> None:
    sealer = crypto.Sealer()
    for identifier in sensitive.identifiers_of(model).values():
        renamed: Renamed = {}
        for row in rows:
            renamed.update(_reseal(row, identifier, ring, sealer))
        if renamed:  # only the rows whose value of this identifier changed: bulk_update is costly per row
            model.objects.bulk_update([row for row in rows if (row.pk, identifier.columns[1]) in renamed],
                                      identifier.columns[:2])
            _rewrite_history(model, identifier.columns[1], renamed)


def _reseal(row, identifier: sensitive.SensitiveIdentifier, ring: crypto.KeyRing, sealer: crypto.Sealer) -> Renamed:
    enc, hash_column = identifier.columns[:2]
    token = getattr(row, enc)
    if not token or token.startswith(ring.current.prefix):
        return {}
    value = sealer.decrypt(token)  # crypto.UnknownKey when its key is not configured
    old_hashes = {getattr(row, hash_column)} | {key.hash(value) for key in ring.retired}
    new_hash = sealer.hash(value)
    setattr(row, enc, sealer.encrypt(value))
    setattr(row, hash_column, new_hash)
    return {(row.pk, hash_column): (old_hashes, new_hash)}


def _rewrite_history(model, column: str, renamed: Renamed) -> None:
    """History rows that hold a rotated value's old hash get its new one, so that the rotation does
    not show as a change of the identifier."""
    manager = getattr(model, "history", None)
    if manager is None:
        return
    history = manager.model
    pk_name = model._meta.pk.attname
    records = history.objects.filter(**{f"{pk_name}__in": [pk for pk, _column in renamed]})
    changed = []
    for record in records.only(history._meta.pk.attname, pk_name, column):
        old_hashes, new_hash = renamed[(getattr(record, pk_name), column)]
        if getattr(record, column) in old_hashes:
            setattr(record, column, new_hash)
            changed.append(record)
    history.objects.bulk_update(changed, [column], batch_size=1000)


def retire_unused_keys(ring: crypto.KeyRing) -> list[str] | None:
    """Once nothing is stale, no data is under any key but the current one: forget the others in the
    key-check table. Returns the key ids that no data needs any more; None while rows are stale."""
    if any(count_stale(model, ring) for model in sensitive.sensitive_models()):
        return None
    forgotten = FieldKey.objects.exclude(key_id=ring.current.key_id)
    unused = set(forgotten.values_list("key_id", flat=True)) | {key.key_id for key in ring.retired}
    forgotten.delete()
    return sorted(unused)
