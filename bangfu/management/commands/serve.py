import os
import subprocess
import sys
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from bangfu.core import crypto, proxies
from bangfu.core.env import env_int, env_str

SERVERS = ("gunicorn", "waitress")


def refuse_mismatched_field_keys() -> None:
    """CommandError (a message, exit status 1, no traceback) when the configured field keys cannot
    read the data, rather than a server that answers 500 on the first page that decrypts."""
    try:
        problems = crypto.verify_keys()
    except DatabaseError as exc:
        raise CommandError(f"bangfu will not start: cannot read the database to check the field keys: {exc}") from None
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise CommandError(
            f"bangfu will not start: the field key does not match the data.\n{lines}\n"
            "Set BANGFU_FIELD_KEY to the key the data was written with (and any key still being rotated "
            "away from in BANGFU_FIELD_KEYS_RETIRED); see 'Rotating the field key' in docs/operations.md."
        )


def default_workers() -> int:
    """One worker process per CPU core, at least two (measured in docs/operations.md, "Serving")."""
    return max(2, os.cpu_count() or 1)


def default_server() -> str:
    # gunicorn forks worker processes, which only POSIX systems do; Windows keeps waitress.
    return "waitress" if sys.platform == "win32" else "gunicorn"


def server_options(options: dict) -> dict:
    """The serving configuration: each option from the command line, else its environment
    variable, else the default; CommandError for values that cannot work."""
    def pick(name: str, variable: str, default):
        if options.get(name) is not None:
            return options[name]
        return env_int(variable, default) if isinstance(default, int) else env_str(variable, default)

    chosen = {
        "server": pick("server", "BANGFU_SERVER", default_server()),
        "workers": pick("workers", "BANGFU_WORKERS", default_workers()),
        "threads": pick("threads", "BANGFU_THREADS", 4),
        "timeout": pick("timeout", "BANGFU_TIMEOUT", 60),
        "max_requests": pick("max_requests", "BANGFU_MAX_REQUESTS", 2000),
        "connections": pick("connections", "BANGFU_CONNECTIONS", 1000),
        "task_workers": pick("task_workers", "BANGFU_TASK_WORKERS", 1),
    }
    if chosen["server"] not in SERVERS:
        raise CommandError(f"--server / BANGFU_SERVER must be one of {', '.join(SERVERS)}, not {chosen['server']!r}")
    for name in ("workers", "threads", "timeout", "connections"):
        if chosen[name] < 1:
            raise CommandError(f"--{name.replace('_', '-')} must be at least 1, not {chosen[name]}")
    if chosen["task_workers"] < 0:
        raise CommandError("--task-workers must be 0 (`bangfu worker` runs elsewhere) or more, "
                           f"not {chosen['task_workers']}")
    if chosen["max_requests"] < 0:
        raise CommandError(f"--max-requests must be 0 (never recycle) or more, not {chosen['max_requests']}")
    if chosen["server"] == "waitress" and chosen["workers"] != 1 and options.get("workers") is not None:
        raise CommandError("waitress runs one process: --workers needs --server gunicorn (Linux, macOS)")
    return chosen


def gunicorn_config(chosen: dict, host: str, port: int) -> dict:
    """gunicorn's settings for the chosen options (threads > 1 selects the gthread worker)."""
    return {
        "bind": [f"{host}:{port}"],
        "workers": chosen["workers"],
        "threads": chosen["threads"],
        "worker_class": "gthread" if chosen["threads"] > 1 else "sync",
        "worker_connections": chosen["connections"],
        "timeout": chosen["timeout"],
        "graceful_timeout": chosen["timeout"],
        # A worker is replaced after this many requests (0: never), the jitter keeps them from all
        # restarting at once: a slow leak never grows for long.
        "max_requests": chosen["max_requests"],
        "max_requests_jitter": chosen["max_requests"] // 10,
        "accesslog": None,
        "errorlog": "-",
        "proc_name": "bangfu",
        # Forwarded headers are bangfu.core.proxies' job; gunicorn must pass them through untouched.
        "forwarded_allow_ips": "",
        "control_socket_disable": True,
    }


TASK_WORKER_STOP_SECONDS = 10


@contextmanager
def task_workers(count: int, stdout):
    """`count` processes of `bangfu worker` (background tasks at a lower CPU priority) while the
    block runs; stopped with the server: SIGTERM (a worker finishes its task if it can), then
    killed after TASK_WORKER_STOP_SECONDS (the export it was writing fails and can be asked again)."""
    command = [sys.executable, "-m", "bangfu.cli", "worker", "--verbosity", "0"]
    processes = [subprocess.Popen(command) for _ in range(count)]  # noqa: S603 -- our own command
    if processes:
        stdout.write(f"{count} task worker process(es) for background exports (--task-workers)")
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(TASK_WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_gunicorn(config: dict, application) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    Server().run()


class Command(BaseCommand):
    help = ("Serve bangfu in production: gunicorn worker processes with threads (waitress, one process, "
            "on Windows); refuses unsafe production settings and field keys that do not match the data.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--server", choices=SERVERS, help="default: gunicorn, waitress on Windows (BANGFU_SERVER)")
        parser.add_argument("--workers", type=int, help="worker processes; default: one per CPU core, at least 2 "
                                                        "(BANGFU_WORKERS)")
        parser.add_argument("--threads", type=int, help="threads per worker; default 4 (BANGFU_THREADS)")
        parser.add_argument("--timeout", type=int, help="seconds before a stuck request's worker is restarted; "
                                                        "default 60 (BANGFU_TIMEOUT)")
        parser.add_argument("--max-requests", type=int, help="requests before a worker is replaced; 0 never; "
                                                             "default 2000 (BANGFU_MAX_REQUESTS)")
        parser.add_argument("--connections", type=int, help="open client connections per worker; default 1000 "
                                                            "(BANGFU_CONNECTIONS)")
        parser.add_argument("--task-workers", type=int, help="processes running background tasks (big exports) "
                                                             "at a lower CPU priority; 0 when `bangfu worker` runs "
                                                             "elsewhere; default 1 (BANGFU_TASK_WORKERS)")
        parser.add_argument("--db-conn-max-age", type=int, help="seconds a worker thread keeps its database "
                                                                "connection; 0 closes it after each request "
                                                                "(BANGFU_DB_CONN_MAX_AGE, default 60)")

    def handle(self, *args, **options):
        from bangfu.wsgi import application

        chosen = server_options(options)
        call_command("check")  # raises on the production checks in bangfu.checks
        refuse_mismatched_field_keys()
        if options.get("db_conn_max_age") is not None:
            settings.DATABASES["default"]["CONN_MAX_AGE"] = options["db_conn_max_age"]
        self._report_database_connections(chosen)
        # The workers are forked from this process: none may inherit its database connection.
        connections.close_all()
        # Forwarded headers are left to bangfu.core.proxies (the servers' own trusted-proxy settings
        # take single addresses, not the list of networks BANGFU_TRUSTED_PROXIES may hold).
        networks = proxies.trusted_networks()
        if networks:
            self.stdout.write("client address and scheme from X-Forwarded-For/-Proto of "
                              + ", ".join(map(str, networks)) + " (BANGFU_TRUSTED_PROXIES)")
        elif settings.PRODUCTION:
            self.stdout.write("no BANGFU_TRUSTED_PROXIES: X-Forwarded-* headers are ignored (no reverse proxy?)")
        host, port = options["host"], options["port"]
        with task_workers(chosen["task_workers"], self.stdout):
            self._serve(chosen, application, host, port)

    def _serve(self, chosen, application, host, port):
        if chosen["server"] == "waitress":
            from waitress import serve

            self.stdout.write(f"bangfu serving on http://{host}:{port}/ with waitress, one process, "
                              f"{chosen['threads']} threads (Ctrl+C stops)")
            serve(application, host=host, port=port, threads=chosen["threads"],
                  connection_limit=chosen["connections"], ident="bangfu")
            return
        self.stdout.write(f"bangfu serving on http://{host}:{port}/ with gunicorn, {chosen['workers']} workers × "
                          f"{chosen['threads']} threads (Ctrl+C stops)")
        self.stdout.flush()
        run_gunicorn(gunicorn_config(chosen, host, port), application)

    def _report_database_connections(self, chosen: dict) -> None:
        """Each worker thread may hold a database connection; say how many, and warn when PostgreSQL
        would refuse some of them."""
        connection = connections["default"]
        if connection.vendor != "postgresql":
            return
        needed = (chosen["workers"] if chosen["server"] == "gunicorn" else 1) * chosen["threads"]
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_connections")
            limit = int(cursor.fetchone()[0])
        self.stdout.write(f"up to {needed} database connections (workers × threads); PostgreSQL allows {limit}")
        if needed > limit:
            self.stderr.write(f"warning: {needed} connections exceed PostgreSQL's max_connections ({limit}): "
                              "lower --workers/--threads or raise max_connections")
