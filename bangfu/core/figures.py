"""Figures kept per village, so that a home page or a region summary never counts a whole table.

An app keeps its figures (counts of its records) in one row per village code and population (a
model built on `KeptFigures`). Its writes mark the villages they touch stale (`Keeper.mark_stale`,
inside the write's transaction); a reader sums the rows under its region. Stale villages are
recounted set-based (one grouped aggregate over just those villages' code ranges): a few at the
next read (`Keeper.freshen`), all of a region by `Keeper.refresh` (the `bangfu refresh` command,
after bulk loads). While some remain stale, a reading says since when its figures stand ("as of").

Why it stays equal to a fresh count under concurrent writes: a write marks its villages with an
UPDATE, which locks their rows until it commits; a recount locks the rows it recounts (skipping
rows a write holds, so a page never waits for one) and counts after taking the lock, so every
write either committed before the count or marks the village stale again after it.

The core knows no domain: what is counted, and which populations (a narrowed role sees a part of
the records: `core.permissions.narrow`) have rows of their own, is the app's `count` function.
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterable

from django.db import connection, models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from bangfu.core.permissions import prefix_q

CODE_LENGTH = 12


class KeptFigures(models.Model):
    """One village's figures for one population ("" is everyone). Subclasses add an integer field
    per figure, a unique constraint on (region_code, population) and an index of the stale rows."""

    region_code = models.CharField(max_length=CODE_LENGTH)
    population = models.CharField(max_length=20, default="")
    stale = models.BooleanField(default=True)
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


@dataclasses.dataclass(frozen=True)
class Reading:
    values: dict[str, int]
    # When villages still wait for their recount: the earliest time the figures stand as of
    # (None when one of them was never counted) and how many villages wait.
    waiting: int = 0
    as_of: datetime.datetime | None = None

    @property
    def fresh(self) -> bool:
        return not self.waiting


# (a Q on region_code selecting the villages to count) -> {(village code, population): {figure: n}}
Counter = Callable[[Q], dict[tuple[str, str], dict[str, int]]]


def _aware(value) -> datetime.datetime | None:
    """A timestamp as PostgreSQL returns it, or from SQLite's text (UTC, as Django stores it)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


class Keeper:
    """The kept figures of one app: `model` holds them, `count` recounts villages set-based."""

    def __init__(self, model: type[KeptFigures], count: Counter, populations: Iterable[str] = ("",),
                 limit: int = 4):
        self.model = model
        self.count = count
        self.populations = tuple(populations)
        self.limit = limit  # villages a read recounts itself; more wait for `refresh`
        base = {f.name for f in KeptFigures._meta.get_fields()}
        self.fields = [f.name for f in model._meta.concrete_fields
                       if isinstance(f, models.IntegerField) and f.name not in base and not f.primary_key]

    # --- writes ----------------------------------------------------------------------------------

    def mark_stale(self, codes: Iterable[str]) -> None:
        """Mark these villages stale (inside the write's transaction). Always an UPDATE of their
        rows, stale or not: its row lock is what keeps a concurrent recount from missing the write."""
        codes = sorted({code for code in codes if code})
        if not codes:
            return
        self.model.objects.bulk_create(
            [self.model(region_code=code, population=p) for code in codes for p in self.populations],
            ignore_conflicts=True)
        self.model.objects.filter(region_code__in=codes).update(stale=True)

    # --- recounts --------------------------------------------------------------------------------

    def refresh(self, prefix: str = "") -> int:
        """Recount every village under the prefix set-based; returns the villages counted."""
        with transaction.atomic():
            # in code order, as writes mark them: two lockers never wait on each other crosswise
            rows = list(self.model.objects.filter(prefix_q("region_code", prefix))
                        .order_by("region_code", "population").select_for_update())
            counted = self.count(prefix_q("region_code", prefix))
            return self._store(rows, counted, all_counted=True)

    def freshen(self, prefix: str = "") -> int:
        """Recount up to `limit` stale villages under the prefix, skipping those a write holds."""
        codes = list(self.model.objects.filter(prefix_q("region_code", prefix), stale=True)
                     .order_by("region_code").values_list("region_code", flat=True).distinct()[:self.limit])
        if not codes:
            return 0
        with transaction.atomic():
            rows = list(self.model.objects.filter(region_code__in=codes).select_for_update(skip_locked=True))
            held = {row.region_code for row in rows}
            # a village whose rows a write holds in part waits for the next read
            whole = {code for code in held
                     if sum(row.region_code == code for row in rows) == len(self.populations)}
            rows = [row for row in rows if row.region_code in whole]
            if not rows:
                return 0
            return self._store(rows, self.count(Q(region_code__in=sorted(whole))))

    def _store(self, rows: list, counted: dict, all_counted: bool = False) -> int:
        now = timezone.now()
        zero = dict.fromkeys(self.fields, 0)
        for row in rows:
            for name, value in {**zero, **counted.pop((row.region_code, row.population), {})}.items():
                setattr(row, name, value)
            row.stale, row.counted_at = False, now
        self._update(rows, now)
        new = [self.model(region_code=code, population=population, stale=False, counted_at=now, **values)
               for (code, population), values in counted.items()] if all_counted else []
        # a row a concurrent write has just created is left to it (stale, counted later)
        self.model.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        return len({row.region_code for row in rows} | {code for code, _p in counted})

    def _update(self, rows: list, now: datetime.datetime) -> None:
        """One UPDATE per row, sent as one executemany: Django's bulk_update builds a CASE per
        field and row in Python, seconds for a county's few hundred rows."""
        quote = connection.ops.quote_name
        columns = [*self.fields, "stale", "counted_at"]
        table, key = quote(self.model._meta.db_table), quote(self.model._meta.pk.column)
        assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
        # the model's own names; the values are parameters
        sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
        at = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.executemany(sql, [[*(getattr(row, f) for f in self.fields), False, at, row.pk] for row in rows])

    # --- reads -----------------------------------------------------------------------------------

    def read(self, prefix: str, population: str = "") -> Reading:
        """The figures summed under the prefix; recounts a few stale villages first when needed
        (one query when none is stale)."""
        reading = self._sum(prefix, population)
        if reading.waiting and self.freshen(prefix):
            reading = self._sum(prefix, population)
        return reading

    def _sum(self, prefix: str, population: str) -> Reading:
        """One plain aggregate over the rows (the ORM would spend more time building it than the
        database spends running it)."""
        quote = connection.ops.quote_name
        sums = ", ".join(f"COALESCE(SUM({quote(name)}), 0)" for name in self.fields)
        stale, counted_at = quote("stale"), quote("counted_at")
        waiting = (f"COUNT(CASE WHEN {stale} THEN 1 END), MIN(CASE WHEN {stale} THEN {counted_at} END), "
                   f"COUNT(CASE WHEN {stale} AND {counted_at} IS NULL THEN 1 END)")
        table, population_column = quote(self.model._meta.db_table), quote("population")
        sql = f"SELECT {sums}, {waiting} FROM {table} WHERE {population_column} = %s"  # noqa: S608 (as _update)
        params = [population]
        if prefix:
            sql += f" AND {quote('region_code')} BETWEEN %s AND %s"
            params += [prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            *values, waiting, as_of, never = cursor.fetchone()
        return Reading(values=dict(zip(self.fields, map(int, values), strict=True)), waiting=waiting,
                       as_of=None if never else _aware(as_of))

    def by_child(self, prefix: str, digits: int, field: str, population: str = "") -> dict[str, int]:
        """One figure summed per child node (its code's first `digits` digits): full code -> n."""
        self.freshen(prefix)
        rows = (self.model.objects.filter(prefix_q("region_code", prefix), population=population)
                .annotate(child=Substr("region_code", 1, digits)).values("child")
                .annotate(n=Coalesce(Sum(field), 0)).order_by())
        return {row["child"].ljust(CODE_LENGTH, "0"): row["n"] for row in rows}
