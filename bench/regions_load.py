"""Loading the statistical-code table: `load_regions_file` on the synthetic national CSV against
PostgreSQL COPY / SQLite executemany of the same file into an identical empty table.

    python bench/regions_load.py [--scale small|full] [--db sqlite|postgresql]

small: one province (贵州, ~22,000 nodes); full: the whole country (~650,000 nodes; target < 60 s).
"""

import csv
import tempfile
from pathlib import Path

import common

PROVINCES = {"small": ["52"], "full": None}


def main() -> None:
    args = common.parse_args(__doc__)
    if common.run_each_database(args):
        return
    with common.bench_database(args.db, "regions"), tempfile.TemporaryDirectory(prefix="bangfu-regions-") as tmp:
        run(args.scale, args.db, Path(tmp) / "regions.csv")


def run(scale: str, db: str, path: Path) -> None:
    from bangfu.regions import synthetic
    from bangfu.regions.services import load_regions_file

    def report(measure, value, unit, baseline, baseline_value, **extra):
        common.emit("regions_load", measure, value, unit, baseline=baseline, baseline_value=baseline_value,
                    scale=scale, db=db, **extra)

    with common.stopwatch() as took:
        rows = synthetic.write_national_csv(path, provinces=PROVINCES[scale])
    common.log(f"{db}: wrote {rows:,} nodes in {took():.1f} s; loading")
    with common.stopwatch() as took:
        result = load_regions_file(path)
    load_seconds = took()
    assert result.loaded == rows and not result.rejected
    copy_seconds = _bulk_copy(path)
    baseline = "COPY" if db == "postgresql" else "executemany"
    report("load_seconds", load_seconds, "s", f"{baseline} of the same file", copy_seconds, rows=rows, target_s=60)
    common.log(f"{db}: loaded in {load_seconds:.1f} s ({baseline} {copy_seconds:.1f} s); loading again")
    with common.stopwatch() as took:
        again = load_regions_file(path)
    assert again.loaded == rows
    report("reload_seconds", took(), "s", f"{baseline} of the same file", copy_seconds, rows=rows)


def _bulk_copy(path: Path) -> float:
    """Seconds to read the file and insert its rows into an empty copy of the region table."""
    from django.db import connection, transaction

    common.clone_table("regions_region", "bench_region")
    columns = "code, name, level, parent_code"
    with common.stopwatch() as took, transaction.atomic(), connection.cursor() as cursor:
        if common.vendor() == "postgresql":
            copy_sql = (f"COPY bench_region ({columns}) FROM STDIN "
                        "WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (parent_code))")
            with path.open("rb") as handle, cursor.cursor.copy(copy_sql) as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
        else:
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                next(reader)
                cursor.executemany(f"INSERT INTO bench_region ({columns}) VALUES (%s, %s, %s, %s)", reader)
    seconds = took()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_region")
    return seconds


if __name__ == "__main__":
    main()
