"""Workshop monitoring at scale: every certified workshop of a county evaluated against the monitoring
criteria in force (employers.workshops.evaluation.evaluate, set-based), against the same criteria
written as one plain SQL query, in the same run.

    python bench/workshops.py [--scale small|full] [--db sqlite|postgresql] [--keep NAME]

small: 500 workshops, 50,000 monthly records (5,000 people); full: 10,000 workshops, 1,000,000
monthly records (100,000 people), all in 从江县 (522633). The people come from the generator; the
employers, workshops, employments and months are made set-based (INSERT … SELECT over the people
and the workshops, one statement each). Criteria: Guangxi's 2022 file loaded for 贵州 (52).
Target (full, PostgreSQL): under 10 s. With --keep NAME the data is built once and used again.
"""

import datetime

import common

COUNTY = "522633"
SIZES = {"small": {"people": 5_000, "workshops": 500, "employments": 4_000},
         "full": {"people": 100_000, "workshops": 10_000, "employments": 80_000}}
# Twelve months per employment and a thirteenth for every other one: 12.5 × employments records.
MONTHS = [datetime.date(2025, 8, 1)] + [datetime.date(2025 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(9, 21)]
ON = datetime.date(2026, 6, 30)  # 2026Q2
TARGET_SECONDS = 10
RUNS = 3


def main() -> None:
    args = common.parse_args(__doc__)
    if common.run_each_database(args):
        return
    with common.bench_database(args.db, "workshops", keep=args.keep):
        run(args.scale, args.db)


def run(scale: str, db: str) -> None:
    size = SIZES[scale]
    common.ensure_county(COUNTY, size["people"], db)
    _build(size, db)

    from bangfu.employers.models import MonthlyRecord, Purpose, Workshop
    from bangfu.employers.workshops import evaluation as ev

    records = MonthlyRecord.objects.count()
    workshops = Workshop.objects.filter(region_code__startswith=COUNTY, status="running")
    common.log(f"{db}: evaluating {workshops.count():,} workshops over {records:,} monthly records")
    runs, evaluations = [], []
    for _ in range(RUNS):
        with common.stopwatch() as took:
            evaluations = ev.evaluate(workshops, ON, Purpose.MONITOR)
        runs.append(took())
    failing = {e.workshop.pk for e in evaluations if e.passed is False}
    sql_runs, sql_failing = [], set()
    for _ in range(RUNS):
        with common.stopwatch() as took:
            sql_failing = _plain_sql()
        sql_runs.append(took())
    assert failing == sql_failing, (len(failing), len(sql_failing))
    common.emit("workshops", "monitoring_evaluation_seconds", common.median(runs), "s",
                baseline="one plain SQL query of the same criteria", baseline_value=common.median(sql_runs),
                scale=scale, db=db, workshops=len(evaluations), monthly_records=records, failing=len(failing),
                runs=[round(r, 2) for r in runs], sql_runs=[round(r, 2) for r in sql_runs],
                target_seconds=TARGET_SECONDS)


def _build(size: dict, db: str) -> None:
    from django.db import connection, transaction

    from bangfu.accounts.actors import command_actor
    from bangfu.employers import uscc
    from bangfu.employers.models import Employer, MonthlyRecord, Workshop
    from bangfu.employers.workshops import criteria
    from bangfu.employers.workshops.tests.helpers import GUANGXI
    from bangfu.regions.models import Region

    if MonthlyRecord.objects.exists():
        common.log(f"{db}: the kept database has the workshops already")
        return
    criteria.load_criteria(command_actor(None), criteria.read_file(GUANGXI), region="52", command=True)
    villages = list(Region.objects.filter(code__startswith=COUNTY, level=4).order_by("code")
                    .values_list("code", flat=True))
    common.log(f"{db}: {size['workshops']:,} workshops of {size['workshops'] // 5:,} employers")
    with transaction.atomic():
        employers = Employer.objects.bulk_create(
            Employer(name=f"企业{i}", kind="enterprise", credit_code=uscc.build("9", "1", COUNTY, f"MB{i:06d}"),
                     region_code=villages[i % len(villages)]) for i in range(size["workshops"] // 5))
        Workshop.objects.bulk_create(
            Workshop(employer=employers[i // 5], name=f"帮扶车间{i}", kind=("factory", "home", "farming")[i % 3],
                     site="poor_village", region_code=employers[i // 5].region_code, status="running",
                     certificate_number=f"BENCH-{i}", certified_on=datetime.date(2024, 1, 1),
                     certified_level="county", start_date=datetime.date(2023, 1, 1))
            for i in range(size["workshops"]))
    common.log(f"{db}: {size['employments']:,} employments and their months, set-based")
    day = (lambda d: f"DATE '{d.isoformat()}'") if db == "postgresql" else (lambda d: f"'{d.isoformat()}'")
    months = " UNION ALL ".join(f"SELECT {day(m)} AS month, {n} AS n" for n, m in enumerate(MONTHS))
    now = "now()" if db == "postgresql" else "datetime('now')"
    with transaction.atomic(), connection.cursor() as cursor:
        # The n-th person works in workshop (n mod workshops): 8 people each at full scale. Every
        # third person has a six-month contract.
        cursor.execute(f"""
            INSERT INTO employers_employment (person_id, employer_id, workshop_id, region_code, job_title,
                start_date, agreement, agreement_months, version, created_at, updated_at)
            SELECT p.id, w.employer_id, w.id, w.region_code, '', {day(MONTHS[0])}, 'contract',
                   CASE WHEN p.rn %% 3 = 0 THEN 6 ELSE 12 END, 1, {now}, {now}
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM registry_person
                  WHERE region_code >= %s AND region_code < %s ORDER BY id LIMIT %s) p
            JOIN (SELECT id, employer_id, region_code, row_number() OVER (ORDER BY id) AS rn
                  FROM employers_workshop) w ON w.rn = (p.rn - 1) %% %s + 1
        """, [COUNTY, str(int(COUNTY) + 1), size["employments"], size["workshops"]])  # noqa: S608
        # Days worked vary with a zero now and then; insurance 10-20 yuan; the first month for half.
        cursor.execute(f"""
            INSERT INTO employers_monthlyrecord (employment_id, month, days_worked, pay, insurance)
            SELECT e.id, m.month, (e.id * 7 + m.n * 3) %% 24, 1500 + (e.id * 13 + m.n) %% 1500,
                   10 + (e.id + m.n) %% 11
            FROM employers_employment e CROSS JOIN ({months}) m
            WHERE m.n > 0 OR e.id %% 2 = 0
        """, [])  # noqa: S608 (our own literals)
    if db == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _plain_sql() -> set[int]:
    """The monitoring criteria of the test (at least 5 脱贫 workers, insurance ≥ 15 per person-month)
    as one query: the ids of the workshops below the standard."""
    from django.db import connection

    start, end = datetime.date(2026, 4, 1), ON
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT w.id
            FROM employers_workshop w
            LEFT JOIN (
                SELECT e.workshop_id,
                       COUNT(DISTINCT CASE WHEN p.poverty_status IN ('tuopin', 'monitored')
                                           THEN e.person_id END) AS tuopin,
                       COUNT(*) AS person_months, SUM(r.insurance) AS insurance
                FROM employers_monthlyrecord r
                JOIN employers_employment e ON e.id = r.employment_id
                JOIN registry_person p ON p.id = e.person_id
                WHERE r.month >= %s AND r.month <= %s AND r.days_worked > 0
                GROUP BY e.workshop_id
            ) a ON a.workshop_id = w.id
            WHERE w.region_code >= %s AND w.region_code < %s AND w.status = 'running'
              AND NOT (COALESCE(a.tuopin, 0) >= 5 AND a.person_months > 0
                       AND ROUND(a.insurance * 1.0 / a.person_months, 2) >= 15)
        """, [start, end, COUNTY, str(int(COUNTY) + 1)])
        return {row[0] for row in cursor.fetchall()}


if __name__ == "__main__":
    main()
