"""Importing a monitoring-system people export (全国防返贫监测信息系统, 从江县), as xlsx and as csv:
our reading with full normalisation and validation against the floor (the same rows read and
copied into the database unvalidated) and against the naive way (pandas + to_sql).

    python bench/imports.py [--scale small|full] [--rows N] [--db sqlite|postgresql] [--keep NAME] [--no-naive]
                            [--no-import] [--profile FILE]

small: 20,000 people; full: 1,000,000; --rows N any other number (e.g. 100,000 while tuning). The
files are written once by samples.py (people export only); with --keep they stay in the kept data
folder and later runs use them again. Every measure runs in a new Python process (spawned), so its
peak memory (VmHWM, the peak resident set) is its own.
"""

import multiprocessing
import os
import resource
import shutil
from pathlib import Path

import common

COUNTY = "522633"
PEOPLE = {"small": 20_000, "full": 1_000_000}
FORMATS = ("xlsx", "csv")
FLOOR = {"xlsx": "python-calamine read + COPY, unvalidated", "csv": "csv.reader + COPY, unvalidated"}
NAIVE = {"xlsx": "pandas read_excel (openpyxl) + to_sql", "csv": "pandas read_csv + to_sql"}
TITLE_ROWS = 3  # the export's title, its date line and the header
TARGET_ROWS_PER_SECOND = 15_000
TARGET_IMPORT_RATIO = 3  # the whole import within 3x the floor
TARGET_PEAK_MB = 2_048
IMPORTER = "importer"


def main() -> None:
    args = common.parse_args(__doc__, _options)
    if common.run_each_database(args):
        return
    with common.bench_database(args.db, "imports", keep=args.keep):
        run(args)


def _options(parser) -> None:
    parser.add_argument("--no-naive", action="store_true", help="leave out pandas (slow at full scale)")
    parser.add_argument("--no-import", action="store_true", help="leave out the committed import (reading only)")
    parser.add_argument("--rows", type=int, help="people in the export instead of the scale's number")
    parser.add_argument("--profile", metavar="FILE",
                        help="run the committed import under cProfile and write its statistics to FILE.<format>")


def run(args) -> None:
    from bangfu.exchange.imports import samples
    from bangfu.regions.services import ensure_regions

    people = args.rows or PEOPLE[args.scale]
    ensure_regions(samples.county_regions(COUNTY))
    files = sample_files(str(args.rows) if args.rows else args.scale, people, kept=bool(args.keep))
    engine = not args.no_import and _engine_available()
    if engine:
        from bangfu.accounts.models import Role
        from bangfu.exchange.imports import jobs

        common.user(IMPORTER, Role.HRSS_OFFICER, COUNTY)
    else:
        common.log("bangfu.exchange.imports.jobs.import_files is not there: no import_seconds")
    floors = FLOOR if args.db == "postgresql" else {fmt: name.replace("COPY", "executemany INSERT")
                                                    for fmt, name in FLOOR.items()}
    for fmt in FORMATS:
        path = str(files[fmt])
        common.log(f"{args.db} {fmt}: the floor ({floors[fmt]}), {people:,} rows")
        floor = measured(copy_floor, path, fmt, args.db, len(samples.PEOPLE_HEADERS))
        assert floor.result == people, (floor.result, people)
        naive = None
        if not args.no_naive:
            common.log(f"{args.db} {fmt}: the naive way ({NAIVE[fmt]})")
            naive = measured(pandas_way, path, fmt, args.db)
            assert naive.result == people, (naive.result, people)
        common.log(f"{args.db} {fmt}: read_tables + every record")
        read = measured(read_records, path)
        rows, error_rows = read.result
        assert rows == people, (rows, people)

        def emit(measure, value, unit, baseline, baseline_value, fmt=fmt, **extra):
            common.emit("imports", measure, value, unit, baseline=baseline, baseline_value=baseline_value,
                        scale=args.scale, db=args.db, format=fmt, rows=people, **extra)

        emit("floor_seconds", floor.seconds, "s", NAIVE[fmt], naive.seconds if naive else None,
             peak_memory_mb=floor.peak_mb, baseline_peak_memory_mb=naive.peak_mb if naive else None)
        if naive:
            emit("naive_seconds", naive.seconds, "s", floors[fmt], floor.seconds, peak_memory_mb=naive.peak_mb,
                 baseline_peak_memory_mb=floor.peak_mb)
        emit("read_seconds", read.seconds, "s", floors[fmt], floor.seconds, peak_memory_mb=read.peak_mb,
             baseline_peak_memory_mb=floor.peak_mb, error_rows=error_rows)
        emit("read_rows_per_second", people / read.seconds, "rows/s", floors[fmt], people / floor.seconds,
             peak_memory_mb=read.peak_mb, target=TARGET_ROWS_PER_SECOND)
        if engine:
            empty_ledger()
            common.log(f"{args.db} {fmt}: import_files, committed, into an empty ledger")
            done = measured(import_file, path, f"{args.profile}.{fmt}" if args.profile else "")
            assert done.result["added"] == people, done.result
            shutil.rmtree(jobs.imports_dir(), ignore_errors=True)  # the job's copy of the file
            common.log(f"{args.db} {fmt}: the rows it wrote, written again by plain SQL")
            rewrite = common.rewrite_seconds([(table, "1 = 1") for table in ledger_tables()])
            emit("import_seconds", done.seconds, "s", floors[fmt], floor.seconds, peak_memory_mb=done.peak_mb,
                 target_ratio=TARGET_IMPORT_RATIO, naive_seconds=naive.seconds if naive else None,
                 naive_ratio=round(done.seconds / naive.seconds, 2) if naive else None,
                 write_floor_seconds=round(rewrite, 2), write_floor_ratio=round(done.seconds / rewrite, 2),
                 **done.result)
            emit("write_floor_seconds", rewrite, "s", floors[fmt], floor.seconds, note=WRITE_FLOOR)
            emit("import_peak_memory_mb", done.peak_mb, "MB", NAIVE[fmt] if naive else floors[fmt],
                 naive.peak_mb if naive else floor.peak_mb, target=TARGET_PEAK_MB)


WRITE_FLOOR = ("the households, people, spells and history rows the import wrote, written again by one "
               "INSERT … SELECT per table into the ledger's own tables (indexes, constraints, deferred foreign "
               "keys), nothing read or checked")


def sample_files(scale: str, people: int, *, kept: bool) -> dict[str, Path]:
    """The people export as xlsx and csv: written once into the kept data folder (a marker file says
    the writing finished), or into this run's data folder, dropped with it."""
    from bangfu.exchange.imports import samples

    folder = Path(os.environ["BANGFU_DATA_DIR"]) / f"imports-{scale}"
    files = {}
    for fmt in FORMATS:
        directory, done = folder / fmt, folder / f"{fmt}.done"
        if kept and done.exists():
            common.log(f"using the {fmt} export kept in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
            common.log(f"writing {people:,} people as {fmt} (samples.py)")
            with common.stopwatch() as took:
                samples.write_exports(directory, COUNTY, people, fmt=fmt, only=("people",))
            common.log(f"written in {took():.0f} s")
            done.touch()
        [files[fmt]] = directory.iterdir()
    return files


def _engine_available() -> bool:
    try:
        from bangfu.exchange.imports.jobs import import_files  # noqa: F401
    except ImportError:
        return False
    return True


def ledger_tables() -> list[str]:
    """The ledger's tables an import writes: households, people, spells, their history and links."""
    from django.apps import apps

    return [model._meta.db_table for model in apps.get_app_config("registry").get_models(include_auto_created=True)
            if model._meta.db_table != "registry_skill"]


def empty_ledger() -> None:
    """No household, person, spell or history left (the skills list stays), so that each format's
    import adds every row, as a county's first import does."""
    from django.db import connection

    tables = ledger_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            return
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("PRAGMA foreign_keys = ON")


# --- the measures, each in a process of its own ---------------------------------------------------


class Measured:
    def __init__(self, seconds: float, peak_mb: float, result):
        self.seconds, self.peak_mb, self.result = seconds, peak_mb, result


def measured(function, *args) -> Measured:
    """Seconds, peak resident memory (MB, the process's whole life: interpreter and libraries
    included) and result of the function, run in a new Python process."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(child, function, args))
    process.start()
    answer = parent.recv()
    process.join()
    if isinstance(answer, BaseException):
        raise answer
    return Measured(*answer)


def _child(pipe, function, args) -> None:
    try:
        prepare = getattr(function, "prepare", None)
        state = prepare(*args) if prepare else None
        with common.stopwatch() as took:
            result = function(*args) if state is None else function(state, *args)
        pipe.send((took(), peak_mb(), result))
    except BaseException as exc:  # noqa: BLE001 (handed to the parent, which raises it)
        pipe.send(exc)


def peak_mb() -> float:
    """The process's peak resident set (VmHWM). Not ru_maxrss: Linux carries that across exec, so a
    spawned child would report its parent's peak when that is higher."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: the nearest figure


def _rows(path: str, fmt: str):
    """The data rows of the file, as the reader library gives them, title rows and header left out."""
    if fmt == "xlsx":
        import python_calamine

        rows = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows()
    else:
        import csv

        rows = csv.reader(open(path, encoding="utf-8-sig", newline=""))  # noqa: SIM115 (read to the end)
    for index, row in enumerate(rows):
        if index >= TITLE_ROWS:
            yield row


def _database_url(db: str, driver: str = "") -> str:
    """This run's database for psycopg or SQLAlchemy (`driver`: "+psycopg")."""
    if db == "postgresql":
        return os.environ["BANGFU_DATABASE_URL"].replace("postgres://", f"postgresql{driver}://", 1)
    return str(Path(os.environ["BANGFU_DATA_DIR"]) / "bangfu.sqlite3")


def copy_floor(path: str, fmt: str, db: str, width: int) -> int:
    """The floor: every row read by the library and copied into a table of `width` text columns,
    unvalidated (PostgreSQL COPY; SQLite executemany in one transaction)."""
    columns = ", ".join(f"c{i} text" for i in range(width))
    rows = 0
    if db == "postgresql":
        import psycopg

        with psycopg.connect(_database_url(db)) as connection, connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS bench_floor_people; CREATE TABLE bench_floor_people ({columns})")
            with cursor.copy("COPY bench_floor_people FROM STDIN") as copy:
                for row in _rows(path, fmt):
                    copy.write_row(row)
                    rows += 1
        return rows
    import sqlite3

    connection = sqlite3.connect(_database_url(db))
    with connection:
        connection.execute("DROP TABLE IF EXISTS bench_floor_people")
        connection.execute(f"CREATE TABLE bench_floor_people ({columns})")
        marks = ", ".join("?" * width)
        cursor = connection.executemany(f"INSERT INTO bench_floor_people VALUES ({marks})", _rows(path, fmt))
        rows = cursor.rowcount
    connection.close()
    return rows


def pandas_way(path: str, fmt: str, db: str) -> int:
    """What a naive script does: the whole file into a DataFrame, then `to_sql`."""
    import pandas
    import sqlalchemy

    if fmt == "xlsx":
        frame = pandas.read_excel(path, header=TITLE_ROWS - 1, engine="openpyxl")
    else:
        frame = pandas.read_csv(path, header=TITLE_ROWS - 1)
    url = _database_url(db, "+psycopg") if db == "postgresql" else "sqlite:///" + _database_url(db)
    engine = sqlalchemy.create_engine(url)
    frame.to_sql("bench_naive_people", engine, if_exists="replace", index=False)
    engine.dispose()
    return len(frame)


def _django(*_args):
    import django

    django.setup()  # the database and data folder come with the environment
    return True


def read_records(_ready, path: str) -> tuple[int, int]:
    """Ours, reading: read_tables and every record (normalised and checked), nothing written."""
    from bangfu.exchange.imports.places import Places
    from bangfu.exchange.imports.tables import read_tables

    rows = error_rows = 0
    for record in read_tables(path)[0].records(Places(COUNTY)):
        rows += 1
        error_rows += bool(record.errors)
    return rows, error_rows


read_records.prepare = _django


def import_file(officer, path: str, profile: str = "") -> dict:
    """Ours, the whole import, committed: `jobs.import_files` as `bangfu import` runs it (the file
    kept in the job's folder, its tables described, the commit pass, the checks after it); under
    cProfile when `profile` names a file for its statistics (the time measured includes its cost)."""
    from bangfu.exchange.imports.jobs import import_files

    started, sampler = os.times(), _DatabaseCpu()
    if profile:
        import cProfile

        with cProfile.Profile() as profiler:
            job = import_files(officer, [(Path(path).name, path)])
        profiler.dump_stats(profile)
    else:
        job = import_files(officer, [(Path(path).name, path)])
    ended, db_seconds = os.times(), sampler.stop()
    people = job.counts.get("commit", {}).get("person", {})
    # CPU seconds of this process and of the database's server processes serving it: on a machine
    # shared with other work they say what the import costs when the wall time does not
    return {"status": job.status, "added": people.get("add"), "rejected": people.get("rejected"),
            "cpu_seconds": round(ended.user + ended.system - started.user - started.system, 2),
            "db_cpu_seconds": db_seconds}


class _DatabaseCpu:
    """CPU seconds used by the server processes of this run's PostgreSQL database (the import's
    connections, including any it opens and closes meanwhile), sampled twice a second from /proc
    in a thread: what a process used before its last sample is all that is missed."""

    def __init__(self):
        import threading

        from django.db import connection

        self.seen: dict[int, float] = {}
        self.first: dict[int, float] = {}
        if connection.vendor != "postgresql":
            self.thread = None
            return
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self._poll()
        self.first = dict(self.seen)
        self.thread.start()

    def _poll(self) -> None:
        import psycopg

        with psycopg.connect(os.environ["BANGFU_DATABASE_URL"].replace("postgres://", "postgresql://", 1),
                             autocommit=True) as connection:
            pids = [row[0] for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def _sample(self) -> None:
        while not self.done.wait(0.5):
            self._poll()

    def stop(self) -> float | None:
        if self.thread is None:
            return None
        self.done.set()
        self.thread.join()
        self._poll()
        return round(sum(cpu - self.first.get(pid, 0) for pid, cpu in self.seen.items()), 2)


def _importer(*_args):
    _django()
    from bangfu.accounts.models import User

    return User.objects.get(username=IMPORTER)


import_file.prepare = _importer


if __name__ == "__main__":
    main()
