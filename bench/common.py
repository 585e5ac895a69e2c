"""What every benchmark shares: options, a throw-away database, timing and the JSON lines.

A benchmark runs once per database. Given no --db, it runs itself again in a child process for
each database that answers (PostgreSQL when it accepts a connection, SQLite always), because
Django reads its database settings once per process. Progress goes to stderr; stdout carries only
the JSON lines.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

POSTGRES_ADMIN_URL = os.environ.get("BANGFU_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASES = ("sqlite", "postgresql")


def parse_args(description: str, extra=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scale", choices=("small", "full"), default="small")
    parser.add_argument("--db", choices=DATABASES, help="default: both when PostgreSQL answers, else sqlite")
    parser.add_argument("--keep", metavar="NAME",
                        help="keep the database as NAME and use it again next time (skips generating the county)")
    if extra:
        extra(parser)
    return parser.parse_args()


def postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 (any failure means "not available")
        return False


def run_each_database(args: argparse.Namespace) -> bool:
    """Without --db, run this script once per available database; True if that was done."""
    if args.db:
        return False
    chosen = ["sqlite", "postgresql"] if postgres_answers() else ["sqlite"]
    failed = False
    for db in chosen:
        command = [sys.executable, sys.argv[0], *sys.argv[1:], "--db", db]
        failed |= subprocess.run(command, check=False).returncode != 0  # noqa: S603 (our own script)
    if failed:
        sys.exit(1)
    return True


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(bench: str, measure: str, value: float, unit: str, *, baseline: str, baseline_value: float | None,
         scale: str, db: str, **extra) -> None:
    ratio = round(value / baseline_value, 2) if baseline_value else None
    line = {"bench": bench, "measure": measure, "value": round(value, 2), "unit": unit, "baseline": baseline,
            "baseline_value": None if baseline_value is None else round(baseline_value, 2), "ratio": ratio,
            "scale": scale, "db": db, **extra}
    print(json.dumps(line, ensure_ascii=False), flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def median(values: list[float]) -> float:
    return statistics.median(values)


@contextlib.contextmanager
def stopwatch():
    """with stopwatch() as took: …; took() is the elapsed seconds (frozen when the block ends)."""
    started = time.perf_counter()
    ended = None

    def took() -> float:
        return (ended or time.perf_counter()) - started

    yield took
    ended = time.perf_counter()


@contextlib.contextmanager
def bench_database(db: str, name: str, keep: str | None = None):
    """A fresh database for one run (a temp SQLite file, or a PostgreSQL database created and
    dropped here) with the migrations applied; Django is set up inside.

    With `keep` (a name), the database and its field key are kept after the run and used again by
    the next run given the same name, whichever benchmark it is: a county generated once serves
    several benchmarks (`county_exists()` tells them to skip generating it)."""
    from bangfu.core import crypto

    if keep:
        data_dir = Path(tempfile.gettempdir()) / f"bangfu-bench-{keep}"
        data_dir.mkdir(mode=0o700, exist_ok=True)
        key_file = data_dir / "field.key"
        if not key_file.exists():
            key_file.write_text(crypto.new_key())
        os.environ["BANGFU_FIELD_KEY"] = key_file.read_text().strip()
        database = "bangfu_bench_" + re.sub(r"\W", "_", keep).lower()  # County-full -> bangfu_bench_county_full
    else:
        data_dir = Path(tempfile.mkdtemp(prefix=f"bangfu-{name}-"))
        os.environ["BANGFU_FIELD_KEY"] = crypto.new_key()
        database = f"bangfu_bench_{name}"
    os.environ["BANGFU_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bangfu.settings"
    if db == "postgresql":
        if not (keep and _postgres_has(database)):
            _postgres_admin(f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}")
        os.environ["BANGFU_DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + database
    else:
        os.environ.pop("BANGFU_DATABASE_URL", None)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            if db == "postgresql":
                _postgres_admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            shutil.rmtree(data_dir, ignore_errors=True)


def county_exists(county: str) -> bool:
    """The county already has people (a kept database, see `bench_database`)."""
    from bangfu.regions import codes
    from bangfu.registry.models import Person

    return Person.objects.filter(codes.within(county)).exists()


def ensure_county(county: str, people: int, db: str):
    """Generate the county unless a kept database has it already; the generator's result, or None."""
    from bangfu.registry.generator import generate_county

    if county_exists(county):
        log(f"{db}: the kept database has {county} already: not generating it")
        return None
    log(f"{db}: generating {people:,} people in {county}")
    return generate_county(county, people, seed=1)


def user(username: str, role: str, region_prefix: str):
    """The bench's account, made once (a kept database has it from an earlier run)."""
    from bangfu.accounts.models import User
    from bangfu.regions import codes

    return (User.objects.filter(username=username).first()
            or User.objects.create_user(username, role=role, region_id=codes.full_code(region_prefix)))


def _postgres_has(database: str) -> bool:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone() is not None


def _postgres_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def clone_table(table: str, clone: str) -> None:
    """An empty copy of a table with the same columns, keys and indexes (for insert baselines)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {clone}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {clone} (LIKE {table} INCLUDING ALL)")
            return
        cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                       "ORDER BY type = 'index'", [table])
        for kind, name, sql in cursor.fetchall():
            if kind == "index":  # Django's names are quoted, those of raw migrations may not be
                head = re.match(r'CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?"?\w+"?\s+ON\s+"?\w+"?', sql, re.I)
                start = re.match(r"CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?", sql, re.I).group(0)
                sql = f'{start}"{clone}_{name}" ON "{clone}"{sql[head.end():]}'
            else:
                sql = sql.replace(f'"{table}"', f'"{clone}"')
            cursor.execute(sql)


def rewrite_seconds(tables: list[tuple[str, str]]) -> float:
    """The write floor of an import: the rows it wrote (each table with the condition that picks
    them, parents before children) copied aside and deleted, the tables vacuumed and analysed as
    before the import, then put back by one plain `INSERT … SELECT` per table in one transaction,
    timed from the first insert to the commit (deferred foreign-key checks included): what writing
    those rows into the ledger's own tables — their indexes, constraints and history tables —
    costs with no reading, checking or Python in between. The tables end as the import left them."""
    from django.db import DatabaseError, connection, transaction

    staged = [(table, where, f"bench_rewrite_{index}") for index, (table, where) in enumerate(tables)]
    with connection.cursor() as cursor:
        for table, where, stage in staged:
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
            cursor.execute(f"CREATE TABLE {stage} AS SELECT * FROM {table} WHERE {where}")
        with transaction.atomic():
            for table, where, _stage in reversed(staged):
                cursor.execute(f"DELETE FROM {table} WHERE {where}")
        for table, _where, _stage in staged:
            cursor.execute(f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else f"ANALYZE {table}")
        if connection.vendor == "postgresql":
            with contextlib.suppress(DatabaseError):  # a role without the right to: the vacuum matters most
                cursor.execute("CHECKPOINT")
        started = time.perf_counter()
        with transaction.atomic():
            for table, _where, stage in staged:
                cursor.execute(f"INSERT INTO {table} SELECT * FROM {stage}")
        seconds = time.perf_counter() - started
        for _table, _where, stage in staged:
            cursor.execute(f"DROP TABLE {stage}")
    return seconds
