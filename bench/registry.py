"""The ledger at county scale: generating and loading people, the filtered person list, the
pinyin search and the county counts by township, each against a plain-SQL baseline.

    python bench/registry.py [--scale small|full] [--db sqlite|postgresql]

small: 20,000 people; full: 1,000,000 people, all in 从江县 (522633).
"""

import random

import common

COUNTY = "522633"
PEOPLE = {"small": 20_000, "full": 1_000_000}
REQUESTS = 200
PAGE = 50
COPY_CHUNK = 50_000


def main() -> None:
    args = common.parse_args(__doc__, lambda p: p.add_argument("--requests", type=int, default=REQUESTS))
    if common.run_each_database(args):
        return
    with common.bench_database(args.db, "registry", keep=args.keep):
        run(args.scale, args.db, args.requests)


def run(scale: str, db: str, requests: int) -> None:

    def report(measure, value, unit, baseline, baseline_value, **extra):
        common.emit("registry", measure, value, unit, baseline=baseline, baseline_value=baseline_value,
                    scale=scale, db=db, **extra)

    result = common.ensure_county(COUNTY, PEOPLE[scale], db)
    if result is not None:
        common.log(f"{db}: generated in {result.seconds:.1f} s; copying the same rows with executemany")
        insert_seconds = _executemany_baseline()
        report("generate_seconds", result.seconds, "s", "executemany INSERT of the same rows", insert_seconds,
               people=result.people, households=result.households)
        report("generate_people_per_second", result.people_per_second, "people/s", "none", None)
        _vacuum()

    client, township = _officer_client()
    lists = [
        ("employment=seeking&poverty=tuopin", "p.employment_status = 'seeking' AND p.poverty_status = 'tuopin'", []),
        ("disability=any", "p.disability_category IS NOT NULL", []),
        (f"region={township}", "p.region_code BETWEEN %s AND %s", [township.ljust(12, "0"), township.ljust(12, "9")]),
    ]

    common.log(f"{db}: person list, {requests} requests")
    _percentiles_reporter(report, requests)("person_list", _compare(client, lists, requests), target_ms=150)

    _searches(client, township, requests, report)

    _new_list(client, township, requests, report)

    common.log(f"{db}: county counts by township")
    orm_ms, sql_ms = _county_counts(repeat=5 if scale == "full" else 20)
    report("county_counts_by_township_ms", orm_ms, "ms", "one plain SQL GROUP BY", sql_ms, target_ratio=1.5)


def _new_list(client, township: str, requests: int, report) -> None:
    """The list's exact count (uncached), its sorted pages and the county's last page, each against
    the plain SQL that reads the same rows (and, for the count, counts them) in the same run."""
    from django.core.cache import cache

    from bangfu.registry.models import Person

    county = ("p.region_code BETWEEN %s AND %s", [COUNTY.ljust(12, "0"), COUNTY.ljust(12, "9")])
    join = "FROM registry_person p LEFT JOIN registry_household h ON h.id = p.household_id"

    def rows(where, params, order, limit=PAGE, offset=0):
        return (f"SELECT p.*, h.* {join} WHERE {county[0]}{' AND ' + where if where else ''} ORDER BY {order} "
                f"LIMIT {limit} OFFSET {offset}", county[1] + params)

    def count(where, params):
        return (f"SELECT COUNT(*) FROM registry_person p WHERE {county[0]}{' AND ' + where if where else ''}",
                county[1] + params)

    filtered = [
        ("employment=seeking&poverty=tuopin", "p.employment_status = 'seeking' AND p.poverty_status = 'tuopin'", []),
        ("disability=any", "p.disability_category IS NOT NULL", []),
        (f"region={township}&employment=seeking", "p.region_code BETWEEN %s AND %s AND p.employment_status = 'seeking'",
         [township.ljust(12, "0"), township.ljust(12, "9")]),
    ]
    common.log("exact count of a filtered list (count cache cleared before each request)")
    cases = [(query, [count(where, params), rows(where, params, "p.region_code, p.id")])
             for query, where, params in filtered]
    times = _time_cases(client, cases, requests, before=cache.clear)
    # The whole county uncounted: what the first view of a minute costs (the others reuse the count).
    whole = _time_cases(client, [("", [count("", []), rows("", [], "p.region_code, p.id")])], 5, before=cache.clear)
    _report_cases(report, "person_list_exact_count", times, "plain SQL COUNT(*) and the page of rows",
                  county_uncounted_page_ms=round(common.median(whole["page"]), 1),
                  county_count_and_rows_sql_ms=round(common.median(whole["sql"]), 1))

    common.log("sorted lists")
    cases = [
        ("sort=name", [rows("", [], "p.name_pinyin, p.id")]),
        ("sort=-age", [rows("", [], "p.birth_date, p.id")]),
        ("sort=name&employment=seeking", [rows("p.employment_status = 'seeking'", [], "p.name_pinyin, p.id")]),
        ("sort=employment&page=2", [rows("", [], "p.employment_status, p.region_code, p.id", offset=PAGE)]),
    ]
    _report_cases(report, "person_list_sorted", _time_cases(client, cases, requests), "plain SQL page of rows")

    people = Person.objects.filter(region_code__startswith=COUNTY).count()
    last = -(-people // PAGE)
    tail = people - (last - 1) * PAGE
    common.log(f"last page ({last:,}) of the county's {people:,} people")
    cases = [
        (f"page={last}", [rows("", [], "p.region_code DESC, p.id DESC", limit=tail)]),
        (f"sort=name&page={last}", [rows("", [], "p.name_pinyin DESC, p.id DESC", limit=tail)]),
    ]
    times = _time_cases(client, cases, requests)
    with common.stopwatch() as took:  # what reading the last page from the start would cost
        _execute(rows("", [], "p.region_code, p.id", offset=(last - 1) * PAGE))
    _report_cases(report, "person_list_last_page", times, "plain SQL of the same rows read from the end",
                  plain_sql_offset_ms=round(took() * 1000, 1), last_page=last)

    middle = last // 2
    common.log(f"middle page ({middle:,})")
    cases = [
        (f"page={middle}", [rows("", [], "p.region_code, p.id", offset=(middle - 1) * PAGE)]),
        (f"sort=name&page={middle}", [rows("", [], "p.name_pinyin, p.id", offset=(middle - 1) * PAGE)]),
    ]
    _report_cases(report, "person_list_middle_page", _time_cases(client, cases, requests),
                  "plain SQL of the same rows with OFFSET", middle_page=middle)


def _execute(statement) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(*statement)
        cursor.fetchall()


def _time_cases(client, cases, requests, before=None) -> dict:
    """Time each page and its plain SQL statements alike, cycling through the cases."""
    for query, _statements in cases:  # warm caches and the session
        if client.get(f"/people/?{query}").status_code != 200:
            raise SystemExit(f"/people/?{query} answered an error")
    times: dict[str, list[float]] = {"page": [], "sql": []}
    per_case: dict[str, list[float]] = {}
    for number in range(requests):
        query, statements = cases[number % len(cases)]
        if before is not None:
            before()
        with common.stopwatch() as took:
            response = client.get(f"/people/?{query}")
        assert response.status_code == 200, query
        times["page"].append(took() * 1000)
        per_case.setdefault(query, []).append(took() * 1000)
        with common.stopwatch() as took:
            for statement in statements:
                _execute(statement)
        times["sql"].append(took() * 1000)
    times["per_case_p95_ms"] = {q: round(common.percentile(t, 0.95), 1) for q, t in per_case.items()}
    return times


def _report_cases(report, name, times, baseline, **extra) -> None:
    for share in (0.5, 0.95):
        more = {"per_case_p95_ms": times["per_case_p95_ms"], "target_ms": 150, **extra} if share == 0.95 else {}
        report(f"{name}_p{round(share * 100)}_ms", common.percentile(times["page"], share), "ms", baseline,
               common.percentile(times["sql"], share), requests=len(times["page"]), **more)


def _executemany_baseline() -> float:
    """Seconds to insert the generated rows again, read back untimed, into identical empty tables."""
    from django.db import connection, transaction

    total = 0.0
    for table in ("registry_household", "registry_person", "registry_person_skills"):
        clone = f"bench_{table}"
        common.clone_table(table, clone)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table} LIMIT 0")
            columns = [col[0] for col in cursor.description]
        insert = (f"INSERT INTO {clone} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})")
        last = 0
        with transaction.atomic():
            while True:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT * FROM {table} WHERE id > %s ORDER BY id LIMIT {COPY_CHUNK}", [last])
                    rows = cursor.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                with common.stopwatch() as took, connection.cursor() as cursor:
                    cursor.executemany(insert, rows)
                total += took()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {clone}")
    return total


def _vacuum() -> None:
    """PostgreSQL: what autovacuum does soon after a big load (the visibility map lets counts use
    index-only scans). The generator has already gathered planner statistics on both databases."""
    from django.db import connection

    if common.vendor() == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _officer_client():
    from bangfu.accounts.models import Role
    from bangfu.regions import codes
    from bangfu.regions.models import Region

    township = Region.objects.filter(codes.within(COUNTY, "code"), level=codes.TOWNSHIP).order_by("code").first()
    return _client_of("bench", Role.HRSS_OFFICER, COUNTY), township.code[:9]


def _client_of(username: str, role: str, region_prefix: str):
    from django.test import Client

    client = Client()
    client.force_login(common.user(username, role, region_prefix))
    return client


def _compare(client, cases, requests, scope_prefix: str = COUNTY) -> dict:
    """Time the page and the plain-SQL page of rows alike, cycling through the cases; the plain
    COUNT(*) the page's paginator also needs is timed on the side, to show where the time goes."""
    from django.db import connection

    scope = ("p.region_code BETWEEN %s AND %s", [scope_prefix.ljust(12, "0"), scope_prefix.ljust(12, "9")])
    for query, _where, _params in cases[:3]:  # warm caches and the session
        response = client.get(f"/people/?{query}")
        if response.status_code != 200:
            raise SystemExit(f"/people/?{query} answered {response.status_code}")
    times: dict[str, list[float]] = {"page": [], "sql": [], "count": []}
    per_filter: dict[str, list[float]] = {}
    for number in range(requests):
        query, where, params = cases[number % len(cases)]
        with common.stopwatch() as took:
            response = client.get(f"/people/?{query}")
        assert response.status_code == 200, query
        times["page"].append(took() * 1000)
        per_filter.setdefault(query, []).append(took() * 1000)
        rows = (f"SELECT p.*, h.* FROM registry_person p LEFT JOIN registry_household h ON h.id = p.household_id "
                f"WHERE {scope[0]} AND {where} ORDER BY p.region_code, p.id LIMIT {PAGE}")
        count = f"SELECT COUNT(*) FROM registry_person p WHERE {scope[0]} AND {where}"
        for name, sql in (("sql", rows), ("count", count)):
            with common.stopwatch() as took, connection.cursor() as cursor:
                cursor.execute(sql, scope[1] + params)
                cursor.fetchall()
            times[name].append(took() * 1000)
    if len(per_filter) <= 5:
        times["per_filter_p95_ms"] = {q: round(common.percentile(t, 0.95), 1) for q, t in per_filter.items()}
    return times


FULL_PINYIN = ("li", "wang", "chen", "ouyang", "zhang", "liu")  # common surnames: every tenth person
NAMES = ("王", "李", "张", "陈")  # a surname typed in Chinese


def _searches(client, township: str, requests: int, report) -> None:
    """Every kind of search, as a county officer and as a township officer (whose search stays in
    the township), each against the plain SQL page of rows of the same WHERE."""
    from bangfu.accounts.models import Role

    people = _sample_people(requests)
    kinds = {
        "initials": [(f"q={text}", *_pinyin_where(text)) for text in _initials(people)],
        "full_pinyin": [(f"q={text}", *_pinyin_where(text)) for text in FULL_PINYIN],
        "name": [(f"q={text}", "p.name >= %s AND p.name < %s", [text, text + "\U0010ffff"])
                 for text in (*NAMES, *(person.name for person in people[:8]))],
        "tail": [(f"q={tail}", "(p.id_number_tail = %s OR p.phone_tail = %s)", [tail, tail])
                 for person in people[:10] for tail in (person.id_number_tail, person.phone_tail) if tail],
        "whole_identifier": [_whole_case(person) for person in people[:10]],
    }
    township_client = _client_of("bench_township", Role.TOWNSHIP_OFFICER, township)
    for who, user_client, scope_prefix in (("county", client, COUNTY), ("township", township_client, township)):
        for kind, cases in kinds.items():
            common.log(f"search, {kind}, {who} officer: {requests} requests")
            times = _compare(user_client, cases, requests, scope_prefix=scope_prefix)
            name = "person_search" if who == "county" else "person_search_township"
            _percentiles_reporter(report, requests)(f"{name}_{kind}", times, target_ms=150, kind=kind, officer=who)


def _percentiles_reporter(report, requests):
    """report(name, times, **extra): the p50 and p95 lines of a page against its plain SQL."""

    def report_percentiles(name, times, **extra):
        at_p95 = {**extra, "plain_sql_count_p95_ms": round(common.percentile(times["count"], 0.95), 1)}
        if "per_filter_p95_ms" in times:
            at_p95["per_filter_p95_ms"] = times["per_filter_p95_ms"]
        for share, more in ((0.5, {}), (0.95, at_p95)):
            report(f"{name}_p{round(share * 100)}_ms", common.percentile(times["page"], share), "ms", "plain SQL",
                   common.percentile(times["sql"], share), requests=requests, **more)

    return report_percentiles


def _pinyin_where(text: str) -> tuple[str, list[str]]:
    """The WHERE of selectors.search_people for letters: initials alone without a vowel, full
    pinyin alone with an i, u or v (no syllable starts with one), else either."""
    end = text + "\U0010ffff"
    if not set(text) & set("aeiouv"):
        return "p.name_initials >= %s AND p.name_initials < %s", [text, end]
    if set(text) & set("iuv"):
        return "p.name_pinyin >= %s AND p.name_pinyin < %s", [text, end]
    return ("(p.name_initials >= %s AND p.name_initials < %s OR p.name_pinyin >= %s AND p.name_pinyin < %s)",
            [text, end, text, end])


def _sample_people(count: int) -> list:
    from bangfu.registry.models import Person

    rng = random.Random(7)
    top = Person.objects.order_by("-id").values_list("id", flat=True).first()
    ids = [rng.randint(1, top) for _ in range(count * 2)]
    return list(Person.objects.filter(id__in=ids))[:count]


def _initials(people) -> list[str]:
    """Two or three leading pinyin initials of real generated names, as an officer would type them."""
    rng = random.Random(7)
    return [person.name_initials[: rng.choice((2, 3))] for person in people]


def _whole_case(person) -> tuple[str, str, list[str]]:
    """A whole ID number typed into the search box (the page audits the reveal)."""
    from bangfu.core import crypto
    from bangfu.registry.models import Person

    number = Person.id_number.decrypt(person)
    hashes = crypto.lookup_hashes(number)
    return f"q={number}", f"p.id_number_hash IN ({', '.join(['%s'] * len(hashes))})", hashes


def _county_counts(repeat: int) -> tuple[float, float]:
    from django.db import connection

    from bangfu.regions import codes
    from bangfu.registry.models import Person
    from bangfu.registry.stats import counts_by_child

    low, high = COUNTY.ljust(12, "0"), COUNTY.ljust(12, "9")
    sql = ("SELECT substr(region_code, 1, 9), count(*) FROM registry_person "
           "WHERE region_code BETWEEN %s AND %s GROUP BY 1")
    orm, plain = [], []
    for _ in range(repeat):
        with common.stopwatch() as took:
            by_orm = counts_by_child(Person.objects.all(), COUNTY, codes.TOWNSHIP)
        orm.append(took() * 1000)
        with common.stopwatch() as took, connection.cursor() as cursor:
            cursor.execute(sql, [low, high])
            by_sql = {codes.full_code(code): n for code, n in cursor.fetchall()}
        plain.append(took() * 1000)
        assert by_orm == by_sql
    return common.median(orm), common.median(plain)


if __name__ == "__main__":
    main()
