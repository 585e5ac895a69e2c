"""A big export as the task worker writes it: seconds and peak memory, against a plain SQL query
writing the same rows to CSV (time) and the old way, every row in a list and the workbook built in
memory (memory).

    python bench/exports.py [--scale small|full] [--db sqlite|postgresql]

small: 20,000 people, a 4,000-row export; full: 1,000,000 people, a 200,000-row export (从江县).
Memory is the growth of the resident heap (RssAnon) while the export runs (sampled every 20 ms),
measured for half the rows and for all of them: a streaming export needs the same for both.
"""

import csv
import gc
import multiprocessing
import tempfile
import threading
import time
from pathlib import Path

import common

COUNTY = "522633"
PEOPLE = {"small": 20_000, "full": 1_000_000}
ROWS = {"small": 4_000, "full": 200_000}


def main() -> None:
    args = common.parse_args(__doc__, lambda parser: parser.add_argument(
        "--rows", type=int, help="rows to export instead of the scale's (at most its people)"))
    if common.run_each_database(args):
        return
    with common.bench_database(args.db, "exports", keep=args.keep):
        run(args)


def rss() -> int:
    """The anonymous resident memory (heap): SQLite's memory-mapped database file is left out, as
    its pages are the file's, shared and given back under pressure."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no RssAnon in /proc/self/status (Linux only)")


class PeakRss:
    """The most this process's resident set grew above its size at the start of the block."""

    def __init__(self):
        self.start = self.peak = 0
        self._stop = threading.Event()

    def __enter__(self):
        gc.collect()
        self.start = self.peak = rss()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def run(args) -> None:
    from bangfu.accounts.models import Role

    people, rows = PEOPLE[args.scale], min(args.rows or ROWS[args.scale], PEOPLE[args.scale])
    common.ensure_county(COUNTY, people, args.db)
    officer = common.user("exporter", Role.HRSS_OFFICER, COUNTY)

    def emit(measure, value, unit, baseline, baseline_value, **extra):
        common.emit("exports", measure, value, unit, baseline=baseline, baseline_value=baseline_value,
                    scale=args.scale, db=args.db, rows=rows, people=people, **extra)

    common.log(f"{args.db}: plain SQL to CSV, {rows:,} rows")
    csv_seconds, csv_growth, _ = measured(plain_csv, rows)
    results = {}
    for share in (0.5, 1.0):
        limit = int(rows * share)
        common.log(f"{args.db}: streaming export job, {limit:,} rows")
        results[share] = measured(background_job, officer.pk, limit)
        assert results[share][2] == ("done", limit, ""), results[share][2]
    common.log(f"{args.db}: the old way (a list, the workbook in memory), {rows:,} rows")
    old_seconds, old_growth, _ = measured(old_way, officer.pk, rows)
    seconds, growth, _ = results[1.0]
    emit("export_seconds", seconds, "s", "plain SQL to CSV", csv_seconds)
    emit("export_rows_per_s", rows / seconds, "rows/s", "plain SQL to CSV", rows / csv_seconds)
    emit("export_peak_rss_growth_mb", growth, "MB", "old way: list + workbook in memory", old_growth,
         old_seconds=round(old_seconds, 1), csv_mb=round(csv_growth, 1))
    emit("export_peak_rss_growth_half_rows_mb", results[0.5][1], "MB", "all the rows (streaming)", growth,
         half_rows=int(rows * 0.5))


def measured(function, *args) -> tuple[float, float, object]:
    """Seconds, heap growth (MB) and result of the function, run in a new Python process (spawned,
    not forked: a fork would inherit the heap the generator freed, and grow into it unseen)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(child, function, args))
    process.start()
    answer = parent.recv()
    process.join()
    return answer


def _child(pipe, function, args) -> None:
    import django

    django.setup()  # the database and data folder come with the environment
    from bangfu.exchange import services  # noqa: F401 -- openpyxl and lxml loaded before measuring
    with PeakRss() as memory, common.stopwatch() as took:
        result = function(*args)
    pipe.send((took(), memory.growth_mb, result))


def plain_csv(rows: int) -> None:
    """The floor: the same rows' columns straight from the cursor into a CSV file."""
    from django.db import connection

    sql = ("SELECT p.id, p.name, p.gender, p.birth_date, h.number, p.relationship, p.region_code, p.education, "
           "p.labour_ability, p.is_labour, p.poverty_status, p.monitoring_category, p.relocated, p.relocation_site, "
           "p.disability_category, p.disability_grade, p.employment_status, p.employer_name, p.wish_jobs, "
           "p.wish_pay FROM registry_person p LEFT JOIN registry_household h ON h.id = p.household_id "
           "WHERE p.region_code >= %s AND p.region_code < %s ORDER BY p.region_code, p.id LIMIT %s")
    with tempfile.TemporaryFile("w", newline="") as out, connection.cursor() as cursor:
        cursor.execute(sql, [COUNTY + "000000", COUNTY + "999999~", rows])
        writer = csv.writer(out)
        while batch := cursor.fetchmany(2000):
            writer.writerows(batch)


def old_way(officer_id: int, limit: int) -> None:
    """What run_export did before: every row in a list, then the workbook built in memory."""
    from bangfu.accounts.models import User
    from bangfu.core import plugins
    from bangfu.exchange import xlsx

    officer = User.objects.get(pk=officer_id)
    export = plugins.exports()["people"]
    rows = list(export.queryset(officer).order_by(*export.order)[:limit])
    xlsx.workbook(export, rows, xlsx.note(officer, len(rows), limit))


def background_job(officer_id: int, limit: int) -> tuple:
    """The page's path: the export asked for, queued, and run by the task as the worker runs it."""
    from django.conf import settings

    from bangfu.accounts.models import User
    from bangfu.exchange import services
    from bangfu.exchange.models import ExportJob

    settings.EXPORT_ROW_LIMIT = limit
    officer = User.objects.get(pk=officer_id)
    asked = services.ask(officer, "people", {})
    job = ExportJob.objects.create(user=officer, export="people", title="人员台账", params=asked.filters,
                                   rows_total=asked.rows)
    services.run_job(job.pk)
    job.refresh_from_db()
    return job.status, job.rows_done, job.error


if __name__ == "__main__":
    main()
