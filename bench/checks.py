"""The consistency checks (核查) over a whole county: every check run and its findings stored,
against the same queries as plain SQL COUNTs, and the 核查 page's counts as a county officer.

    python bench/checks.py [--scale small|full] [--db sqlite|postgresql] [--keep NAME]

small: 20,000 people; full: 1,000,000 people, all in 从江县 (522633). Target (full, PostgreSQL):
all checks in under 10 s. With --keep the county is generated once and used again (the planted
records are planted again: the same few rows, the same values).
"""

import common

COUNTY = "522633"
PEOPLE = {"small": 20_000, "full": 1_000_000}
TARGET_SECONDS = 10
RUNS = 3  # the median is reported; each run replaces the findings of the one before
VACUUMED = ("registry_person", "registry_household", "registry_employmentspell", "registry_person_skills",
            "registry_followup", "checks_finding", "checks_checkrun")


def main() -> None:
    args = common.parse_args(__doc__)
    if common.run_each_database(args):
        return
    with common.bench_database(args.db, "checks", keep=args.keep):
        run(args.scale, args.db)


def run(scale: str, db: str) -> None:
    def report(measure, value, unit, baseline, baseline_value, **extra):
        common.emit("checks", measure, value, unit, baseline=baseline, baseline_value=baseline_value,
                    scale=scale, db=db, **extra)

    people = PEOPLE[scale]
    generated = common.ensure_county(COUNTY, people, db) is not None
    _plant()
    _vacuum(everything=generated)

    from bangfu.accounts.actors import command_actor
    from bangfu.exchange.checks.runner import run_checks

    actor = command_actor(None)
    common.log(f"{db}: the plain COUNTs of every check's query")
    counts, per_check_sql = _plain_counts()
    common.log(f"{db}: running every check")
    runs = []
    for _ in range(RUNS):
        with common.stopwatch() as took:
            result = run_checks(COUNTY, actor)
        runs.append(took())
        assert result.counts == counts, (result.counts, counts)
    common.log(f"{db}: running each check alone")
    per_check_run = {}
    for check_id in counts:
        with common.stopwatch() as took:
            alone = run_checks(COUNTY, actor, only=[check_id])
        per_check_run[check_id] = round(took(), 3)
        assert alone.counts == {check_id: counts[check_id]}, (alone.counts, counts[check_id])
    report("run_all_checks_seconds", common.median(runs), "s", "plain SQL COUNT of each check's query",
           sum(per_check_sql.values()), people=people, findings=sum(counts.values()), findings_per_check=counts,
           runs=[round(r, 2) for r in runs], run_seconds_per_check=per_check_run,
           plain_sql_seconds_per_check={k: round(v, 3) for k, v in per_check_sql.items()},
           target_seconds=TARGET_SECONDS)

    common.log(f"{db}: the 核查 page's counts as the county officer")
    page_ms, sql_ms = _page_counts()
    report("check_counts_for_officer_ms", page_ms, "ms", "plain SQL GROUP BY check_id of the county's findings",
           sql_ms)


def _vacuum(*, everything: bool) -> None:
    """PostgreSQL's statistics and visibility map as autovacuum keeps them (off on the bench
    machine): the whole database once generated; on a kept one, the tables the checks read and
    the findings, which the earlier runs left full of deleted rows."""
    from django.db import connection

    if common.vendor() != "postgresql":
        return
    tables = "" if everything else ", ".join(VACUUMED)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {tables}")


def _plant() -> None:
    """A few records that trip checks the generator never trips (its people are consistent)."""
    import datetime

    from bangfu.registry.models import Household, Person

    ids = list(Person.objects.order_by("id").values_list("id", flat=True)[:1000:10])
    Person.objects.filter(id__in=ids[:20]).update(birth_date=datetime.date(1890, 1, 1))
    Person.objects.filter(id__in=ids[20:40]).update(gender="F")
    Person.objects.filter(id__in=ids[40:60]).update(employment_status="public_welfare")
    Household.objects.filter(id__in=Household.objects.order_by("id").values("id")[:20]).update(zero_employment=True)


def _plain_counts() -> tuple[dict[str, int], dict[str, float]]:
    from django.db import connection

    from bangfu.exchange.checks import definitions
    from bangfu.exchange.checks.runner import read_rows

    counts, seconds = {}, {}
    for check in definitions.all_checks():
        sql, params = read_rows(check, COUNTY).query.sql_with_params()
        with common.stopwatch() as took, connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) q", params)  # noqa: S608 (compiled by Django)
            counts[check.id] = cursor.fetchone()[0]
        seconds[check.id] = took()
    return counts, seconds


def _page_counts() -> tuple[float, float]:
    from django.db import connection

    from bangfu.accounts.models import Role
    from bangfu.exchange.checks import selectors

    officer = common.user("bench-checks", Role.HRSS_OFFICER, COUNTY)
    orm, sql = [], []
    for _ in range(5):
        with common.stopwatch() as took:
            selectors.counts_by_check(selectors.findings_for_user(officer))
        orm.append(took() * 1000)
        with common.stopwatch() as took, connection.cursor() as cursor:
            cursor.execute("SELECT check_id, COUNT(*) FROM checks_finding WHERE region_code BETWEEN %s AND %s "
                           "GROUP BY check_id", [COUNTY.ljust(12, "0"), COUNTY.ljust(12, "9")])
            cursor.fetchall()
        sql.append(took() * 1000)
    return common.median(orm), common.median(sql)


if __name__ == "__main__":
    main()
