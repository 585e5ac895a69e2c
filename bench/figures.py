"""The home page and the region summary on kept figures (registry.figures), against the fresh
count that they replace, measured in the same run.

    python bench/figures.py [--scale small|full] [--db sqlite|postgresql] [--requests N]

small: 20,000 people; full: 1,000,000 people, all in 从江县 (522633).
"""

import common

COUNTY = "522633"
PEOPLE = {"small": 20_000, "full": 1_000_000}
REQUESTS = 200


def main() -> None:
    args = common.parse_args(__doc__, lambda p: p.add_argument("--requests", type=int, default=REQUESTS))
    if common.run_each_database(args):
        return
    with common.bench_database(args.db, "figures", keep=args.keep):
        run(args.scale, args.db, args.requests)


def run(scale: str, db: str, requests: int) -> None:
    from bangfu.registry import figures

    def report(measure, value, unit, baseline, baseline_value, **extra):
        common.emit("figures", measure, value, unit, baseline=baseline, baseline_value=baseline_value,
                    scale=scale, db=db, **extra)

    people = PEOPLE[scale]
    common.ensure_county(COUNTY, people, db)
    if common.vendor() == "postgresql":
        _execute("VACUUM ANALYZE")
    county, township = _officers()

    common.log(f"{db}: full refresh of the county's figures")
    refresh_s, count_s = _refresh(repeat=1 if scale == "full" else 3, user=county.user)
    report("refresh_seconds", refresh_s, "s", "one fresh count of the county (person_counts + household_counts)",
           count_s, villages=_villages())

    for officer in (county, township):
        common.log(f"{db}: home page and region summary as the {officer.name} officer, {requests} requests each")
        home = _time(officer.client, "/", requests)
        fresh = _time_sql(_fresh_home_sql(officer.user), requests)
        for share in (0.5, 0.95):
            report(f"home_{officer.name}_p{round(share * 100)}_ms", common.percentile(home, share), "ms",
                   "fresh count as plain aggregate SQL", common.percentile(fresh, share), requests=requests,
                   target_ms=50)
        read = _time_call(lambda user=officer.user: figures.read(user), requests)
        report(f"read_{officer.name}_p95_ms", common.percentile(read, 0.95), "ms",
               "fresh count as plain aggregate SQL", common.percentile(fresh, 0.95), requests=requests)
        summary = _time(officer.client, "/regions/", requests)
        fresh = _time_sql(_fresh_summary_sql(officer.user, officer.prefix), requests)
        report(f"region_summary_{officer.name}_p95_ms", common.percentile(summary, 0.95), "ms",
               "fresh counts by child and in total as plain SQL", common.percentile(fresh, 0.95),
               requests=requests, target_ms=50)

    common.log(f"{db}: one write with the stale-marking, then the home page that recounts its village")
    marked, unmarked, after = _writes(county, requests // 2)
    report("write_ms", common.median(marked), "ms", "the same write without the stale-marking",
           common.median(unmarked), requests=len(marked))
    report("home_after_a_write_p95_ms", common.percentile(after, 0.95), "ms", "none", None,
           requests=len(after), target_ms=50)


class _Officer:
    def __init__(self, name: str, role: str, prefix: str):
        from django.test import Client


        self.name, self.prefix = name, prefix
        self.user = common.user(f"bench-{name}", role, prefix)
        self.client = Client()
        self.client.force_login(self.user)


def _officers() -> tuple[_Officer, _Officer]:
    from bangfu.accounts.models import Role
    from bangfu.regions import codes
    from bangfu.regions.models import Region

    first = Region.objects.filter(codes.within(COUNTY, "code"), level=codes.TOWNSHIP).order_by("code").first()
    return (_Officer("county", Role.HRSS_OFFICER, COUNTY),
            _Officer("township", Role.TOWNSHIP_OFFICER, first.code[:9]))


def _execute(sql: str, params=()) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.description:
            cursor.fetchall()


def _captured(work) -> list[str]:
    """The SQL that `work` runs, as the database ran it, to run again on a raw cursor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        work()
    return [query["sql"] for query in queries]


def _fresh_home_sql(user) -> list[str]:
    from bangfu.registry import selectors, stats

    return _captured(lambda: (stats.person_counts(selectors.people_for_user(user)),
                              stats.household_counts(selectors.households_for_user(user))))


def _fresh_summary_sql(user, prefix: str) -> list[str]:
    from bangfu.core.permissions import prefix_q
    from bangfu.regions import codes
    from bangfu.registry import selectors, stats

    people = selectors.people_for_user(user)
    child = codes.TOWNSHIP if len(prefix) == 6 else codes.VILLAGE
    return _captured(lambda: (stats.counts_by_child(people, prefix, child),
                              people.filter(prefix_q("region_code", prefix)).count()))


def _time(client, url: str, requests: int) -> list[float]:
    if client.get(url).status_code != 200:  # warm the session and the caches
        raise SystemExit(f"{url} answered an error")
    times = []
    for _ in range(requests):
        with common.stopwatch() as took:
            response = client.get(url)
        assert response.status_code == 200, url
        times.append(took() * 1000)
    return times


def _time_call(work, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        with common.stopwatch() as took:
            work()
        times.append(took() * 1000)
    return times


def _time_sql(statements: list[str], requests: int) -> list[float]:
    return _time_call(lambda: [_execute(sql) for sql in statements], requests)


def _refresh(repeat: int, user) -> tuple[float, float]:
    from bangfu.registry import figures

    fresh = _fresh_home_sql(user)
    refresh, count = [], []
    for _ in range(repeat):
        with common.stopwatch() as took:
            figures.refresh(COUNTY)
        refresh.append(took())
        with common.stopwatch() as took:
            for sql in fresh:
                _execute(sql)
        count.append(took())
    return common.median(refresh), common.median(count)


def _villages() -> int:
    from bangfu.registry.models import VillageFigures

    return VillageFigures.objects.filter(population="").count()


def _writes(officer: _Officer, writes: int) -> tuple[list[float], list[float], list[float]]:
    """Each write changes one person's work; with the marking each is followed by the home page
    (which recounts that village); without it, the write alone."""
    from unittest import mock

    from bangfu.registry import actions, figures
    from bangfu.registry.models import Person

    chosen = list(Person.objects.filter(region_code__startswith=COUNTY, is_labour=True,
                                        employment_status="seeking").order_by("?")[:writes])
    marked, unmarked, after = [], [], []

    def write(person, status):
        with common.stopwatch() as took:
            actions.do_update_person(officer.user, person, {"employment_status": status,
                                                            "employer_name": "县城车间" if status != "seeking" else ""})
        return took() * 1000

    for person in chosen:
        marked.append(write(person, "in_county"))
        with common.stopwatch() as took:
            assert officer.client.get("/").status_code == 200
        after.append(took() * 1000)
        with mock.patch.object(figures.KEEPER, "mark_stale"):
            unmarked.append(write(person, "seeking"))
    figures.refresh(COUNTY)  # the unmarked writes left the figures behind
    return marked, unmarked, after


if __name__ == "__main__":
    main()
