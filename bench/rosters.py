"""Monthly rosters (月度用工花名册) through the importer: an operator's workbook of monthly rows
(who worked, days, pay, insurance) for employments on file, read, checked row by row and written
set-based (MonthlyRecord rows and their history), against the floor measured in the same run: the
same file read by python-calamine and its rows sent in one bulk INSERT (COPY on PostgreSQL,
executemany on SQLite) into a plain table, unvalidated. Then the same file again (every row
unchanged: nothing written), and a corrected file without 1 % of the people: each month it holds
is replaced, so their records are removed once the whole file is read.

    python bench/rosters.py [--scale small|full] [--db sqlite|postgresql] [--keep NAME]

small: 5,000 people × 2 months = 10,000 rows; full: 25,000 people × 4 months = 100,000 rows. The
people come from registry.generator; one employer holds an open employment of each (made in bulk:
the setup, not measured)."""

import contextlib
import datetime
import tempfile
from pathlib import Path

import common

COUNTY = "522633"
SCALES = {"small": (5_000, 2), "full": (25_000, 4)}
HEADERS = ["证件号码", "姓名", "月份", "出勤天数", "应发工资", "意外伤害保险"]
TARGET_RATIO = 2
OPERATOR = "roster-operator"
WRITE_FLOOR = ("the records and history rows the import wrote, written again by one INSERT … SELECT per table into "
               "the ledger's own tables (indexes, constraints, deferred foreign keys), nothing read or checked")


def main() -> None:
    args = common.parse_args(__doc__)
    if common.run_each_database(args):
        return
    with common.bench_database(args.db, "rosters", keep=args.keep):
        run(args)


def setup(people: int):
    """The county's people, one employer with an operator, and an open employment of each person."""
    from bangfu.accounts.models import Role
    from bangfu.employers import uscc
    from bangfu.employers.models import Employer, EmployerOperator, Employment
    from bangfu.registry.models import Person

    common.ensure_county(COUNTY, people, "bench")
    employer = Employer.objects.filter(name="从江县花名册基准有限公司").first()
    if employer is None:
        employer = Employer.objects.create(name="从江县花名册基准有限公司", kind="enterprise",
                                           region_code="522633101001",
                                           credit_code=uscc.build("9", "1", COUNTY, "MA0BENCH"))
    operator = common.user(OPERATOR, Role.EMPLOYER, COUNTY)
    EmployerOperator.objects.get_or_create(user=operator, defaults={"employer": employer})
    operator = type(operator).objects.get(pk=operator.pk)
    chosen = list(Person.objects.order_by("id")[:people])
    if not Employment.objects.filter(employer=employer).exists():
        Employment.objects.bulk_create([
            Employment(person=p, employer=employer, region_code=employer.region_code,
                       start_date=datetime.date(2023, 1, 1)) for p in chosen], batch_size=2000)
    return operator, [(Person.id_number.decrypt(p), p.name) for p in chosen]


DROPPED = 100  # a corrected file leaves out one person in DROPPED


def write_book(path: Path, people: list[tuple[str, str]], months: int, *, dropped: int = 0) -> int:
    """The workbook of every person's months (with `dropped`, without one person in that many; the
    others' rows as before)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["从江县花名册基准有限公司 月度用工花名册"])
    sheet.append(HEADERS)
    rows = 0
    for m in range(months):
        month = f"2024年{m + 1:02d}月"
        for i, (number, name) in enumerate(people):
            if dropped and i % dropped == 0:
                continue
            sheet.append([number, name, month, 15 + (i + m) % 12, 2000 + (i * 7 + m) % 1500, 15])
            rows += 1
    book.save(path)
    return rows


def floor(path: Path, db: str) -> int:
    """python-calamine reads the rows; one bulk INSERT sends them into a plain table."""
    import python_calamine
    from django.db import connection

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[2:]
    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor_roster")
        cursor.execute(f"CREATE TABLE bench_floor_roster ({columns})")
        if db == "postgresql":
            with cursor.connection.cursor().copy("COPY bench_floor_roster FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([str(cell) for cell in row])
        else:
            marks = ", ".join("%s" for _ in HEADERS)
            cursor.executemany(f"INSERT INTO bench_floor_roster VALUES ({marks})",
                               [[str(cell) for cell in row] for row in rows])
    return len(rows)


def settle(db: str) -> None:
    """Planner statistics for the tables just filled, and the generation's writes flushed (setup,
    not measured: without it the first run on a new database measured the server's catch-up)."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        if db == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            with contextlib.suppress(DatabaseError):  # a role without the right to: the statistics matter most
                cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")


def run(args) -> None:
    from bangfu.employers.models import MonthlyRecord
    from bangfu.exchange.imports import jobs

    people, months = SCALES[args.scale]
    operator, identities = setup(people)
    folder = Path(tempfile.mkdtemp(prefix="bangfu-rosters-"))
    path = folder / "花名册.xlsx"
    rows = write_book(path, identities, months)
    common.log(f"{args.db}: {rows:,} rows ({people:,} people × {months} months) in {path.stat().st_size // 1024} kB")
    for model in (MonthlyRecord.history.model, MonthlyRecord):  # a kept database's earlier run: setup, not measured
        everything = model.objects.all()
        everything._raw_delete(everything.db)
    settle(args.db)

    with common.stopwatch() as took:
        assert floor(path, args.db) == rows
    floor_seconds = took()
    common.log(f"{args.db}: floor {floor_seconds:.1f} s")
    with common.stopwatch() as took:
        job = jobs.import_files(operator, [(path.name, path)])
    import_seconds = took()
    counts = job.counts["commit"]["roster"]
    assert counts["add"] == rows, counts
    assert MonthlyRecord.objects.count() == rows
    common.log(f"{args.db}: import {import_seconds:.1f} s {counts}")
    rewrite_seconds = common.rewrite_seconds([(model._meta.db_table, "1 = 1")
                                              for model in (MonthlyRecord, MonthlyRecord.history.model)])
    common.log(f"{args.db}: the same records and history rows written again by plain SQL {rewrite_seconds:.1f} s")
    with common.stopwatch() as took:
        again = jobs.import_files(operator, [(path.name, path)])
    again_seconds = took()
    assert again.counts["commit"]["roster"]["unchanged"] == rows, again.counts
    corrected = folder / "花名册（更正）.xlsx"
    kept = write_book(corrected, identities, months, dropped=DROPPED) // months
    with common.stopwatch() as took:
        replaced = jobs.import_files(operator, [(corrected.name, corrected)])
    replace_seconds = took()
    outcome = replaced.counts["commit"]["roster"]
    assert (outcome["unchanged"], outcome["remove"]) == (kept * months, (people - kept) * months), outcome

    def emit(measure, value, unit, baseline, baseline_value, **extra):
        common.emit("rosters", measure, value, unit, baseline=baseline, baseline_value=baseline_value,
                    scale=args.scale, db=args.db, rows=rows, **extra)

    emit("import_seconds", import_seconds, "s", "python-calamine read + one bulk INSERT, unvalidated", floor_seconds,
         target_ratio=TARGET_RATIO, rows_per_second=round(rows / import_seconds),
         write_floor_seconds=round(rewrite_seconds, 2), write_floor_ratio=round(import_seconds / rewrite_seconds, 2))
    emit("write_floor_seconds", rewrite_seconds, "s", "python-calamine read + one bulk INSERT, unvalidated",
         floor_seconds, note=WRITE_FLOOR)
    emit("resubmit_seconds", again_seconds, "s", "python-calamine read + one bulk INSERT, unvalidated",
         floor_seconds, note="the same file again: every row unchanged, nothing written")
    emit("replace_seconds", replace_seconds, "s", "python-calamine read + one bulk INSERT, unvalidated",
         floor_seconds, removed=outcome["remove"],
         note=f"a corrected file without one person in {DROPPED}: the rest unchanged, their months' records removed")
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
