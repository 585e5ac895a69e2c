"""Personal identifiers declared once: `id_number = SensitiveIdentifier(_("身份证号"), keep=(4, 4))`.

Declaring one on a model gives it four columns and everything around them:

- `<name>_enc`  the value encrypted with the current field key (the ciphertext names its key id);
- `<name>_hash` a keyed hash, to find a record by the whole identifier without decrypting;
- `<name>_head`, `<name>_tail` the characters the mask keeps (the tail serves "last four" search);
- `obj.<name>_masked` the masked value (`5226**********1234`) that pages, API and exports show;
- the label, exclusion of the ciphertext from readable history, the export cell, and an audited
  reveal (`reveal`, which sends `identifier_revealed` for the audit log).

What a mask keeps is chosen so that nothing else shown beside it gives the value back: a resident
ID number keeps its first four and last four characters, and its birth date is never shown in clear
(pages show the age), so the eight hidden digits cannot be rebuilt.
"""

import dataclasses
import functools
import re

from django.db import models
from django.db.models import Q
from django.dispatch import Signal

from bangfu.core import crypto

# Sent after every full view of an identifier: sender=model, user, obj, field, request.
identifier_revealed = Signal()


class WholeValueField(models.CharField):
    """A string only ever compared whole: a keyed hash, the characters a mask keeps. On PostgreSQL its
    type is spelled `character varying`, which the database reads as varchar but Django's backend does
    not, so an indexed column gets no second `varchar_pattern_ops` (`_like`) index: no lookup here uses
    LIKE, and an import of a county's people would maintain every such index for nothing."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return f"character varying({self.max_length})"
        return super().db_type(connection)


@dataclasses.dataclass
class SensitiveIdentifier:
    label: object
    keep: tuple[int, int] = (4, 4)
    unique: bool = False
    max_length: int = 20
    index_tail: bool = True  # for "last four digits" search
    # A regular expression that finds a value in free text (a search term, a message), so that
    # `redact()` can mask it wherever it turns up.
    pattern: str = ""
    name: str = ""

    def contribute_to_class(self, cls, name):
        self.name = name
        head, tail = self.keep
        cls.add_to_class(f"{name}_enc", models.TextField(blank=True, editable=False))
        # Editable (as far as Django knows) so that history diffs see an identifier change.
        cls.add_to_class(f"{name}_hash", WholeValueField(max_length=32, blank=True,
                                                         unique=self.unique, db_index=not self.unique))
        cls.add_to_class(f"{name}_head", models.CharField(max_length=max(head, 1), blank=True, editable=False))
        cls.add_to_class(f"{name}_tail", WholeValueField(max_length=max(tail, 1), blank=True, editable=False,
                                                         db_index=self.index_tail))
        declared = dict(getattr(cls, "_sensitive_identifiers", {}))
        declared[name] = self
        cls._sensitive_identifiers = declared
        setattr(cls, f"{name}_masked", property(lambda obj: self.masked(obj)))
        setattr(cls, name, self)

    def __get__(self, obj, owner=None):
        # Model.id_number is the declaration; an instance never hands out the clear value.
        if obj is None:
            return self
        raise AttributeError(f"{self.name} is sealed: use {self.name}_masked, or reveal()")

    # --- columns ----------------------------------------------------------------------------

    @property
    def columns(self) -> tuple[str, str, str, str]:
        return f"{self.name}_enc", f"{self.name}_hash", f"{self.name}_head", f"{self.name}_tail"

    def seal(self, value: str, sealer: crypto.Sealer | None = None) -> dict[str, str]:
        """The column values that store this (already validated) value; all empty for none."""
        enc, hash_, head, tail = self.columns
        if not value:
            return {enc: "", hash_: "", head: "", tail: ""}
        sealer = sealer or crypto.Sealer()
        start, end = self.keep
        return {enc: sealer.encrypt(value), hash_: sealer.hash(value), head: value[:start],
                tail: value[-end:] if end else ""}

    def holds(self, obj, value: str) -> bool:
        """Whether `obj` stores exactly this value, under any active key (an unchanged value of a
        record not yet rotated must not look changed)."""
        stored = getattr(obj, f"{self.name}_hash")
        return bool(stored and value) and stored in crypto.lookup_hashes(value)

    def masked(self, obj) -> str:
        head = getattr(obj, f"{self.name}_head")
        tail = getattr(obj, f"{self.name}_tail")
        if not getattr(obj, f"{self.name}_hash"):
            return ""
        hidden = self.max_length - len(head) - len(tail)
        return f"{head}{'*' * max(hidden, 4)}{tail}"

    def mask_text(self, value: str) -> str:
        """The mask of a plain value (survey change lists, messages)."""
        if not value:
            return ""
        start, end = self.keep
        if len(value) <= start + end:
            return "*" * len(value)
        return value[:start] + "*" * (len(value) - start - end) + (value[-end:] if end else "")

    def lookup(self, value: str) -> Q:
        """Records holding exactly this value (under any active key, so a rotation in progress
        still finds them)."""
        return Q(**{f"{self.name}_hash__in": crypto.lookup_hashes(value)})

    def decrypt(self, obj) -> str:
        return crypto.decrypt(getattr(obj, f"{self.name}_enc"))


def identifiers_of(model) -> dict[str, SensitiveIdentifier]:
    return dict(getattr(model, "_sensitive_identifiers", {}))


def identifier(model, name: str) -> SensitiveIdentifier:
    return identifiers_of(model)[name]


def hidden_columns(model) -> set[str]:
    """Columns no reader of history or exports should see: ciphertexts and the masked parts."""
    hidden = set()
    for declared in identifiers_of(model).values():
        enc, _hash, head, tail = declared.columns
        hidden |= {enc, head, tail}
    return hidden


def hash_columns(model) -> dict[str, SensitiveIdentifier]:
    """hash column -> identifier: a change of the hash is a change of the identifier."""
    return {declared.columns[1]: declared for declared in identifiers_of(model).values()}


def sensitive_models() -> list:
    from django.apps import apps

    return [model for model in apps.get_models() if identifiers_of(model)]


@functools.cache
def _finders() -> list[tuple[re.Pattern, SensitiveIdentifier]]:
    declared = [d for model in sensitive_models() for d in identifiers_of(model).values() if d.pattern]
    # The longest first: a disability card number holds a whole ID number.
    declared.sort(key=lambda d: -d.max_length)
    return [(re.compile(d.pattern), d) for d in declared]


def redact(value):
    """The value with every declared identifier found in its text masked, through dicts and lists
    (what the audit log keeps of search terms and filters)."""
    if isinstance(value, str):
        for finder, declared in _finders():
            value = finder.sub(lambda match, d=declared: d.mask_text(match.group()), value)
        return value
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


def reveal(user, obj, name: str, *, request=None) -> str:
    """The full value. The caller has checked the user may reveal it (the gate); every reveal is
    announced so the audit log records it."""
    value = identifier(type(obj), name).decrypt(obj)
    identifier_revealed.send(sender=type(obj), user=user, obj=obj, field=name, request=request)
    return value
