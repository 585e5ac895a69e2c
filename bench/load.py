"""A county's officers at once: `bangfu serve` on a generated county, driven by simulated users
with think time, per page type against one user alone in the same run.

    python bench/load.py [--scale small|full] [--db sqlite|postgresql] [--users 50] [--duration 60]
                         [--think 1.0] [--workers 2] [--threads 4] [--server gunicorn|waitress|granian]

small: 20,000 people; full: 1,000,000, all in 从江县 (522633). Only ever talks to 127.0.0.1.

A quarter into the load one more officer exports the people list (the first EXPORT_ROWS rows: 200,000
at full scale, 4,000 at small), which goes to the server's task worker; the officer follows the
progress page until the file is ready and downloads it. Its duration is reported, and the other
users' page times show whether it stalls them (--no-export leaves it out, for comparison).
"""

import http.client
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time

import common

COUNTY = "522633"
PEOPLE = {"small": 20_000, "full": 1_000_000}
THINK_SECONDS = (5.0, 15.0)  # an officer reads the page before the next click
HOST = "127.0.0.1"

# The mix (page type: weight), as officers use the ledger in a morning.
MIX = {
    "home": 10,
    "person_list": 20,  # a filtered list
    "search_initials": 12,  # zsf
    "search_full_pinyin": 8,  # li, wang, chen, ouyang
    "person": 22,
    "household": 12,
    "zero_employment": 6,
    "api_people": 10,
}
EXPORT_ROWS = {"small": 4_000, "full": 200_000}
FULL_PINYIN = ["li", "wang", "chen", "wu", "zhang", "ouyang", "yang", "liu"]


def add_options(parser) -> None:
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--think", type=float, default=1.0, help="scale of the 5–15 s think time (0.1: 0.5–1.5 s)")
    parser.add_argument("--baseline-requests", type=int, default=240,
                        help="one user, no think time, the page types in turn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--server", choices=("gunicorn", "waitress", "granian"), default="gunicorn",
                        help="granian only as a comparison, when installed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-export", dest="export", action="store_false",
                        help="no big export during the load")


def main() -> None:
    args = common.parse_args(__doc__, add_options)
    if common.run_each_database(args):
        return
    with common.bench_database(args.db, "load", keep=args.keep):
        run(args)


def run(args) -> None:

    people = PEOPLE[args.scale]
    common.ensure_county(COUNTY, people, args.db)
    _vacuum()
    targets = _targets(args.seed)
    sessions = _sessions(args.users + 2)  # the last one exports
    # The export's size, and a threshold that sends it to the task worker as a big one would be.
    rows = EXPORT_ROWS[args.scale]
    os.environ["BANGFU_EXPORT_ROW_LIMIT"] = str(rows)
    os.environ["BANGFU_EXPORT_BACKGROUND_FROM"] = str(min(5_000, rows // 2))
    from django.db import connections

    connections.close_all()
    port = _free_port()
    server = _start_server(args, port)
    config = f"{args.server}, {args.workers} workers × {args.threads} threads"
    if args.server == "waitress":
        config = f"waitress, 1 process × {args.threads} threads"
    try:
        _wait_until_up(port, server)
        common.log(f"{args.db}: {config}; warming up, then {args.baseline_requests} requests of one user")
        rng = random.Random(args.seed)
        _drive(port, sessions[0], targets, rng, requests=20, think=0)
        baseline = _drive(port, sessions[0], targets, rng, requests=args.baseline_requests, think=0)
        common.log(f"{args.db}: {args.users} users for {args.duration:.0f} s, think time × {args.think}")
        exporter = _Exporter(port, sessions[-1], delay=args.duration / 4) if args.export else None
        load, took = _load(port, sessions[1:-1], targets, args)
        if exporter:
            exporter.join(timeout=3600)
    finally:
        _stop_server(server)
    _report(args, config, baseline, load, took)
    if exporter:
        common.emit("load", "export_during_load_s", exporter.seconds or 0, "s", baseline="none", baseline_value=None,
                    scale=args.scale, db=args.db, server=config, users=args.users, rows=rows,
                    done=exporter.done, polls=exporter.polls)


class _Exporter(threading.Thread):
    """One officer who, `delay` seconds in, exports the people list: the export link (answered by a
    redirect to the job's progress page), the progress part polled every second as the page's htmx
    does, then the download."""

    def __init__(self, port: int, session: str, delay: float):
        super().__init__(daemon=True)
        self.port, self.session, self.delay = port, session, delay
        self.seconds, self.done, self.polls = None, False, 0
        self.start()

    def run(self) -> None:
        time.sleep(self.delay)
        common.log("an officer starts the big export")
        started = time.perf_counter()
        status, location, _ = _request(self.port, "/export/people.xlsx", self.session)
        if status != 302:
            common.log(f"the export answered {status}, not a redirect to its progress page")
            return
        while True:
            time.sleep(1)
            self.polls += 1
            status, _, body = _request(self.port, location, self.session, {"HX-Request": "true"})
            if status != 200 or b"hx-trigger" not in body:  # finished: the part stops polling
                break
        download = location.rstrip("/") + "/download"
        status, _, body = _request(self.port, download, self.session)
        self.done = status == 200 and body[:2] == b"PK"
        self.seconds = time.perf_counter() - started
        common.log(f"the export took {self.seconds:.1f} s ({'done' if self.done else 'failed'})")


def _request(port: int, path: str, session: str, headers: dict | None = None) -> tuple[int, str, bytes]:
    from django.conf import settings

    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
                                                 **(headers or {})})
        response = connection.getresponse()
        return response.status, response.getheader("Location", ""), response.read()
    except (OSError, http.client.HTTPException):
        return 0, "", b""
    finally:
        connection.close()


def _report(args, config: str, baseline: dict, load: dict, took: float) -> None:
    def emit(measure, value, unit, baseline_name, baseline_value, **extra):
        common.emit("load", measure, value, unit, baseline=baseline_name, baseline_value=baseline_value,
                    scale=args.scale, db=args.db, server=config, users=args.users, think=args.think, **extra)

    every = [ms for page in load.values() for ms in page["ms"]]
    errors = sum(page["errors"] for page in load.values())
    one_user = [ms for page in baseline.values() for ms in page["ms"]]
    emit("throughput_rps", len(every) / took, "req/s", "none", None, requests=len(every), seconds=round(took, 1))
    emit("errors", errors, "requests", "none", None,
         per_page={name: page["errors"] for name, page in load.items() if page["errors"]})
    for share in (0.5, 0.95, 0.99):
        emit(f"all_p{round(share * 100)}_ms", common.percentile(every, share), "ms", "one user",
             common.percentile(one_user, share))
    for name in MIX:
        times, alone = load[name]["ms"], baseline[name]["ms"]
        if not times or not alone:
            continue
        for share in (0.5, 0.95, 0.99):
            emit(f"{name}_p{round(share * 100)}_ms", common.percentile(times, share), "ms", "one user",
                 common.percentile(alone, share), requests=len(times), errors=load[name]["errors"])


def _load(port: int, sessions: list[str], targets: dict, args) -> tuple[dict, float]:
    """Each simulated user in its own thread: click, think, click … until the time is up."""
    results = _empty_results()
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + args.duration

    def user(number: int) -> None:
        rng = random.Random(args.seed * 1000 + number)
        time.sleep(rng.uniform(0, THINK_SECONDS[1] * args.think))  # users do not all start at once
        mine = _drive(port, sessions[number], targets, rng, deadline=deadline, think=args.think)
        with lock:
            for name, page in mine.items():
                results[name]["ms"] += page["ms"]
                results[name]["errors"] += page["errors"]

    threads = [threading.Thread(target=user, args=(number,), daemon=True) for number in range(args.users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + 60))
    return results, time.monotonic() - started


def _drive(port: int, session: str, targets: dict, rng: random.Random, *, requests: int | None = None,
           deadline: float | None = None, think: float) -> dict:
    """One user's clicks (a count of them, or until the deadline); the time of each by page type.
    A counted run takes the page types in turn, so that each has its share of the count."""
    results = _empty_results()
    names, weights = list(MIX), list(MIX.values())
    done = 0
    while (requests is None or done < requests) and (deadline is None or time.monotonic() < deadline):
        name = names[done % len(names)] if requests else rng.choices(names, weights)[0]
        path = _path(name, targets, rng)
        started = time.perf_counter()
        ok = _get(port, path, session)
        elapsed = (time.perf_counter() - started) * 1000
        results[name]["ms"].append(elapsed)
        if not ok:
            results[name]["errors"] += 1
        done += 1
        if think:
            pause = rng.uniform(*THINK_SECONDS) * think
            if deadline is not None:
                pause = min(pause, max(0.0, deadline - time.monotonic()))
            time.sleep(pause)
    return results


def _empty_results() -> dict:
    return {name: {"ms": [], "errors": 0} for name in MIX}


def _path(name: str, targets: dict, rng: random.Random) -> str:
    if name == "home":
        return "/"
    if name == "person_list":
        return "/people/?" + rng.choice(targets["filters"])
    if name == "search_initials":
        return "/people/?q=" + rng.choice(targets["initials"])
    if name == "search_full_pinyin":
        return "/people/?q=" + rng.choice(FULL_PINYIN)
    if name == "person":
        return f"/people/{rng.choice(targets['people'])}/"
    if name == "household":
        return f"/households/{rng.choice(targets['households'])}/"
    if name == "zero_employment":
        return "/zero-employment/"
    return "/api/people?" + rng.choice(targets["filters"])


def _get(port: int, path: str, session: str) -> bool:
    """One GET with the user's session cookie, on a new connection (a browser's keep-alive would not
    outlive 5–15 s of thinking anyway); True when it answered 200."""
    from django.conf import settings

    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _targets(seed: int) -> dict:
    """What the users click on: real people, households, name initials and list filters."""
    from bangfu.regions import codes
    from bangfu.regions.models import Region
    from bangfu.registry.models import Household, Person

    rng = random.Random(seed)
    people = list(Person.objects.values_list("id", flat=True).order_by("id"))
    households = list(Household.objects.values_list("id", flat=True).order_by("id"))
    picked = rng.sample(people, min(500, len(people)))
    initials = [text[: rng.choice((2, 3))] for text in Person.objects.filter(id__in=picked[:200])
                .values_list("name_initials", flat=True)]
    townships = list(Region.objects.filter(codes.within(COUNTY, "code"), level=codes.TOWNSHIP)
                     .values_list("code", flat=True)[:5])
    filters = ["employment=seeking&poverty=tuopin", "disability=any", "employment=seeking",
               *(f"region={code[:9]}" for code in townships)]
    return {"people": picked, "households": rng.sample(households, min(500, len(households))),
            "initials": initials, "filters": filters}


def _sessions(count: int) -> list[str]:
    """Signed-in sessions of county HRSS officers (session keys for the cookie), one per user."""
    from django.test import Client

    from bangfu.accounts.models import Role

    keys = []
    for number in range(count):
        user = common.user(f"load{number}", Role.HRSS_OFFICER, COUNTY)
        client = Client()
        client.force_login(user)
        keys.append(client.session.session_key)
    return keys


def _vacuum() -> None:
    from django.db import connection

    if common.vendor() == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _start_server(args, port: int) -> subprocess.Popen:
    """The server in its own process group, on 127.0.0.1 only, with this run's database settings."""
    if args.server == "granian":
        granian = shutil.which("granian") or os.path.join(os.path.dirname(sys.executable), "granian")
        if not os.path.exists(granian):
            raise SystemExit("--server granian needs granian installed (pip install granian)")
        command = [granian, "--interface", "wsgi", "--host", HOST, "--port", str(port),
                   "--workers", str(args.workers), "--blocking-threads", str(args.threads),
                   "--no-ws", "bangfu.wsgi:application"]
    else:
        command = [sys.executable, "-m", "bangfu.cli", "serve", "--host", HOST, "--port", str(port),
                   "--server", args.server, "--threads", str(args.threads)]
        if args.server == "gunicorn":
            command += ["--workers", str(args.workers)]
    return subprocess.Popen(command, cwd=common.ROOT, stdout=subprocess.DEVNULL,  # noqa: S603 (our own server)
                            stderr=sys.stderr, start_new_session=True)


def _wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped with status {server.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer on {HOST}:{port} within {seconds:.0f} s")


def _stop_server(server: subprocess.Popen) -> None:
    import signal

    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


if __name__ == "__main__":
    main()
