"""Putting many new records and their history rows into the database fast (imports).

On PostgreSQL the records take ids drawn from their table's sequence, then every row goes in by one
COPY (psycopg adapts the values in C; Django's bulk_create spends most of its time building the
INSERT's parameters). Elsewhere (SQLite) Django's bulk_create, which gives the ids back too.
History rows are written the same way, in the shape simple_history gives them: a creation row
('+') or a change row ('~') per record, with the acting user, the reason and one timestamp.

`insert_values` takes the new records as plain dicts of field values instead of model instances
(an import adds hundreds of thousands: building an instance costs more than checking the row).

The caller holds the transaction; nothing here sends signals (as bulk_create sends none).
"""

import datetime
import operator
from decimal import Decimal

from django.db import connection
from django.db.models import JSONField
from django.utils import timezone

BATCH = 500  # records per INSERT where COPY is not available
_PLAIN = frozenset({"AutoField", "BigAutoField", "SmallAutoField", "CharField", "TextField", "BooleanField",
                    "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                    "PositiveSmallIntegerField", "PositiveBigIntegerField", "DateField", "DateTimeField",
                    "ForeignKey", "OneToOneField", "DecimalField", "FloatField", "SlugField", "EmailField"})


def _copying() -> bool:
    return connection.vendor == "postgresql"


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _converters(fields):
    """Per field, how its attribute becomes what the driver is given (most: as it is)."""
    from psycopg.types.json import Jsonb

    def jsonb(value):
        return None if value is None else Jsonb(value)

    def prepared(field):
        return lambda value: field.get_db_prep_save(value, connection)

    return [jsonb if isinstance(f, JSONField) else _PLAIN_CONVERTER if f.get_internal_type() in _PLAIN
            else prepared(f) for f in fields]


def _plain(value):
    return value


_PLAIN_CONVERTER = _plain


def _copy(table: str, columns: list[str], rows) -> None:
    sql = f"COPY {_quoted(table)} ({', '.join(map(_quoted, columns))}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _new_ids(model, count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [_quoted(table), column, count])
        return [row[0] for row in cursor.fetchall()]


def insert_new(model, objs: list) -> None:
    """INSERT these unsaved records; each gets its id."""
    if not objs:
        return
    if not _copying():
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    fields = model._meta.concrete_fields
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj, pk in zip(objs, _new_ids(model, len(objs)), strict=True):
        obj.pk = pk
        for field in stamped:
            field.pre_save(obj, add=True)
        obj._state.adding = False
        obj._state.db = connection.alias
    _prepare_related(objs, fields)
    attnames = [f.attname for f in fields]
    convert = _converters(fields)
    _copy(model._meta.db_table, [f.column for f in fields],
          (tuple(c(getattr(obj, a)) for c, a in zip(convert, attnames, strict=True)) for obj in objs))


def insert_values(model, rows: list[dict]) -> list[int]:
    """INSERT new records given as dicts of field values (by attname, or a foreign key by its name
    holding a saved instance); fields not given take their defaults. Each dict gets its "id" (the
    primary key's attname) and the auto_now stamps; returns the ids."""
    if not rows:
        return []
    fields = model._meta.concrete_fields
    pk = model._meta.pk.attname
    if not _copying():
        objs = [model(**{name: value for name, value in row.items() if name != pk}) for row in rows]
        model.objects.bulk_create(objs, batch_size=BATCH)
        for row, obj in zip(rows, objs, strict=True):
            _stamp_row(row, obj, fields)
        return [obj.pk for obj in objs]
    now = timezone.now()
    for row, new_id in zip(rows, _new_ids(model, len(rows)), strict=True):
        row[pk] = new_id
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                row[field.attname] = now
    _copy(model._meta.db_table, [f.column for f in fields], _tuples(fields, rows))
    return [row[pk] for row in rows]


def insert_rows(model, names: list[str], rows: list[tuple], user, reason: str) -> None:
    """INSERT new records given as tuples of the named fields' values (attnames, in that order:
    every tracked field but the primary key) and their creation history rows, in the acting
    user's name with the reason. The cheapest path for a bulk of plain records (an import's
    monthly records): no instance, no dict, no id handed back.

    On PostgreSQL, records of numbers and dates go in by one statement: each column's values as
    one text the server splits (`unnest(string_to_array(…))`), the records inserted and their
    history rows made from what the insert returns; other records by COPY, ids drawn from the
    sequence, then history rows by INSERT … SELECT of those ids. On SQLite the records go in by one
    executemany, then their history rows by one INSERT … SELECT of the rows past the table's
    highest id before it: a write transaction holds the database's one write lock, so nobody else
    adds rows meanwhile, and an AUTOINCREMENT key never goes back."""
    if not rows:
        return
    meta = model._meta
    history = model.history.model
    tracked = {field.attname for field in history.tracked_fields}
    if set(names) | {meta.pk.attname} != tracked:
        raise ValueError(f"insert_rows needs every tracked field of {meta.label}: {sorted(tracked)}")
    fields = [meta.get_field(name) for name in names]
    table, pk = _quoted(meta.db_table), _quoted(meta.pk.column)
    columns = ", ".join(_quoted(field.column) for field in fields)
    targets = ", ".join(_quoted(column) for column in [
        meta.pk.column, *(history._meta.get_field(field.name).column for field in fields), *_BOOKKEEPING])
    into_history = f"INSERT INTO {_quoted(history._meta.db_table)} ({targets}) SELECT {pk}, {columns}, %s, %s, %s, %s"
    bookkeeping = list(_bookkeeping(user, reason, True))
    with connection.cursor() as cursor:
        if not _copying():
            cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")  # noqa: S608 (names from the model)
            (before,) = cursor.fetchone()
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
            bookkeeping[0] = connection.ops.adapt_datetimefield_value(bookkeeping[0])  # as Django stores it
            cursor.execute(f"{into_history} FROM {table} WHERE {pk} > %s", [*bookkeeping, before])  # noqa: S608
            return
        texts = _column_texts(rows, len(names))
        if texts is not None:
            arrays = ", ".join(f"string_to_array(%s, ',')::{field.cast_db_type(connection)}[]" for field in fields)
            cursor.execute(f"WITH new AS (INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) "  # noqa: S608
                           f"RETURNING {pk}, {columns}) {into_history} FROM new", [*texts, *bookkeeping])
            return
        ids = _new_ids(model, len(rows))
        _copy(meta.db_table, [meta.pk.column, *(field.column for field in fields)],
              ((pk_value, *row) for pk_value, row in zip(ids, rows, strict=True)))
        cursor.execute(f"{into_history} FROM {table} WHERE {pk} = ANY(string_to_array(%s, ',')::bigint[])",  # noqa: S608
                       [*bookkeeping, ",".join(map(str, ids))])


_SPLITTABLE = frozenset({int, Decimal, datetime.date})  # written without a comma, never NULL


def _column_texts(rows: list[tuple], width: int) -> list[str] | None:
    """Each column's values as one comma-separated text, or None when a value is of another type."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    for values in columns:
        if not {type(value) for value in values} <= _SPLITTABLE:
            return None
    return [",".join(map(str, values)) for values in columns]


def _stamp_row(row: dict, obj, fields) -> None:
    row[obj._meta.pk.attname] = obj.pk
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            row[field.attname] = getattr(obj, field.attname)


def _tuples(fields, rows: list[dict], extra: tuple = ()):
    """The COPY rows of dicts: per field its value (a foreign key's by attname, or its instance's
    pk by name), else its default. A row is its defaults overlaid with its values, picked in
    column order (itemgetter: per row in C, not per field in Python)."""
    convert = _converters(fields)
    defaults = {}
    fresh = []  # fields whose default is made anew for each row (a callable)
    relations = []
    for field in fields:
        if field.primary_key:
            continue
        if field.has_default() and callable(field.default):
            fresh.append(field)
        else:
            defaults[field.attname] = field.get_default()  # "" for text, as Django stores it
        if field.is_relation and field.many_to_one:
            relations.append((field.attname, field.name))
    pick = operator.itemgetter(*[f.attname for f in fields])
    special = [(index, conv) for index, conv in enumerate(convert) if conv is not _PLAIN_CONVERTER]
    for row in rows:
        values = {**defaults, **row}
        for field in fresh:
            if field.attname not in row:
                values[field.attname] = field.get_default()
        for attname, name in relations:
            if attname not in row and row.get(name) is not None:
                values[attname] = row[name].pk
        picked = pick(values)
        if len(fields) == 1:
            picked = (picked,)
        if special:
            picked = list(picked)
            for index, conv in special:
                picked[index] = conv(picked[index])
            picked = tuple(picked)
        yield picked + extra


def _prepare_related(objs: list, fields) -> None:
    """A foreign key set as an instance saved after it was assigned takes that instance's id."""
    relations = [f for f in fields if f.is_relation and f.many_to_one]
    for obj in objs:
        for field in relations:
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                related = field.get_cached_value(obj)
                if related is not None:
                    setattr(obj, field.attname, related.pk)


def insert_history(model, objs: list, user, reason: str, *, created: bool) -> None:
    """History rows for these records as they are now: creation rows, or change rows of records
    whose many-to-many links did not change (simple_history copies links; these rows have none).
    The records may be dicts of field values as insert_values took them (ids and stamps given)."""
    if not objs:
        return
    manager = model.history
    if isinstance(objs[0], dict):
        if not _copying():
            pk = model._meta.pk.attname
            objs = list(model.objects.filter(pk__in=[row[pk] for row in objs]).order_by("pk"))
        else:
            history = manager.model
            tracked = history.tracked_fields
            columns = [history._meta.get_field(f.name).column for f in tracked]
            _copy(history._meta.db_table, [*columns, *_BOOKKEEPING],
                  _tuples(tracked, objs, _bookkeeping(user, reason, created)))
            return
    if not _copying():
        manager.bulk_history_create(objs, update=not created, default_user=user, default_change_reason=reason,
                                    batch_size=BATCH)
        return
    history = manager.model
    tracked = history.tracked_fields
    attnames = [f.attname for f in tracked]
    convert = _converters(tracked)
    columns = [history._meta.get_field(f.name).column for f in tracked]
    extra = _bookkeeping(user, reason, created)
    _copy(history._meta.db_table, [*columns, *_BOOKKEEPING],
          (tuple(c(getattr(obj, a)) for c, a in zip(convert, attnames, strict=True)) + extra for obj in objs))


_BOOKKEEPING = ["history_date", "history_change_reason", "history_type", "history_user_id"]


def _bookkeeping(user, reason: str, created: bool) -> tuple:
    return timezone.now(), reason, "+" if created else "~", user.pk if user is not None else None
