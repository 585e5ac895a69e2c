"""`bangfu serve`: the server configuration built from options and environment, and a real
gunicorn with two workers answering pages, static files and the API."""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bangfu.conftest import TEST_FIELD_KEY
from bangfu.management.commands import serve

ROOT = Path(__file__).resolve().parents[3]
NO_OPTIONS = {"server": None, "workers": None, "threads": None, "timeout": None, "max_requests": None,
              "connections": None, "task_workers": None}
VARIABLES = ("BANGFU_SERVER", "BANGFU_WORKERS", "BANGFU_THREADS", "BANGFU_TIMEOUT", "BANGFU_MAX_REQUESTS",
             "BANGFU_CONNECTIONS", "BANGFU_TASK_WORKERS")


@pytest.fixture(autouse=True)
def _no_serving_variables(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_one_gunicorn_worker_per_core_with_four_threads(monkeypatch):
    monkeypatch.setattr(serve.sys, "platform", "linux")
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 6)
    chosen = serve.server_options(NO_OPTIONS)
    assert chosen == {"server": "gunicorn", "workers": 6, "threads": 4, "timeout": 60, "max_requests": 2000,
                      "connections": 1000, "task_workers": 1}
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 1)
    assert serve.server_options(NO_OPTIONS)["workers"] == 2  # one core still gets two processes


def test_windows_falls_back_to_waitress(monkeypatch):
    monkeypatch.setattr(serve.sys, "platform", "win32")
    assert serve.server_options(NO_OPTIONS)["server"] == "waitress"


def test_the_environment_sets_what_the_command_line_does_not(monkeypatch):
    monkeypatch.setenv("BANGFU_WORKERS", "3")
    monkeypatch.setenv("BANGFU_THREADS", "2")
    monkeypatch.setenv("BANGFU_TIMEOUT", "30")
    monkeypatch.setenv("BANGFU_MAX_REQUESTS", "500")
    monkeypatch.setenv("BANGFU_CONNECTIONS", "200")
    monkeypatch.setenv("BANGFU_TASK_WORKERS", "0")
    chosen = serve.server_options({**NO_OPTIONS, "threads": 8})
    assert chosen["workers"] == 3 and chosen["timeout"] == 30 and chosen["max_requests"] == 500
    assert chosen["connections"] == 200 and chosen["task_workers"] == 0
    assert chosen["threads"] == 8  # the command line wins


@pytest.mark.parametrize(("options", "message"), [
    ({"workers": 0}, "--workers"), ({"threads": 0}, "--threads"), ({"timeout": 0}, "--timeout"),
    ({"max_requests": -1}, "--max-requests"), ({"server": "waitress", "workers": 3}, "waitress"),
    ({"task_workers": -1}, "--task-workers"),
])
def test_values_that_cannot_work_are_refused(options, message):
    with pytest.raises(CommandError, match=message):
        serve.server_options({**NO_OPTIONS, **options})


def test_an_unknown_server_in_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("BANGFU_SERVER", "uwsgi")
    with pytest.raises(CommandError, match="BANGFU_SERVER"):
        serve.server_options(NO_OPTIONS)


def test_gunicorn_gets_the_chosen_configuration():
    chosen = {"server": "gunicorn", "workers": 3, "threads": 4, "timeout": 45, "max_requests": 1000,
              "connections": 300}
    config = serve.gunicorn_config(chosen, "0.0.0.0", 8080)  # noqa: S104
    assert config["bind"] == ["0.0.0.0:8080"]
    assert (config["workers"], config["threads"], config["worker_class"]) == (3, 4, "gthread")
    assert (config["timeout"], config["max_requests"], config["max_requests_jitter"]) == (45, 1000, 100)
    assert config["worker_connections"] == 300
    assert config["forwarded_allow_ips"] == ""  # bangfu.core.proxies alone reads X-Forwarded-*
    assert serve.gunicorn_config({**chosen, "threads": 1}, "127.0.0.1", 80)["worker_class"] == "sync"


def test_gunicorn_accepts_every_setting_given():
    from gunicorn.config import Config

    config = Config()
    chosen = serve.server_options({**NO_OPTIONS, "server": "gunicorn"})
    for key, value in serve.gunicorn_config(chosen, "127.0.0.1", 8000).items():
        config.set(key, value)  # an unknown or mistyped setting raises here
    assert config.workers == chosen["workers"] and config.worker_class_str == "gthread"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1 only)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_serve_runs_two_gunicorn_workers_that_answer(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("BANGFU_") and key != "DJANGO_SETTINGS_MODULE"}
    env.update(BANGFU_DATA_DIR=str(tmp_path), BANGFU_FIELD_KEY=TEST_FIELD_KEY)
    bangfu = [sys.executable, "-m", "bangfu.cli"]
    subprocess.run([*bangfu, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=60)  # noqa: S603
    port = _free_port()
    server = subprocess.Popen([*bangfu, "serve", "--workers", "2", "--port", str(port)], cwd=ROOT, env=env,  # noqa: S603
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/login/")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.2)
        assert status == 200 and "登录".encode() in body
        assert _get(f"http://127.0.0.1:{port}/static/bangfu/bangfu.css")[0] == 200
        status, body = _get(f"http://127.0.0.1:{port}/api/people")
        assert status == 401 and body.startswith(b"{")
        workers = _task_workers(server.pid)
        assert len(workers) == 1
        # Background tasks yield the CPU to the pages: ten steps nicer than the server (once started).
        deadline = time.monotonic() + 20
        while (_niceness(workers[0]) == _niceness(server.pid) or os.sched_getscheduler(workers[0]) != os.SCHED_IDLE) \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _niceness(workers[0]) == _niceness(server.pid) + 10
        # … and under SCHED_IDLE, which runs it only when nothing else wants the CPU.
        assert os.sched_getscheduler(workers[0]) == os.SCHED_IDLE
        assert os.sched_getscheduler(server.pid) == os.SCHED_OTHER
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert "with gunicorn, 2 workers" in out and "1 task worker" in out
    assert err.count("Booting worker") == 2
    assert not Path(f"/proc/{workers[0]}").exists()  # stopped with the server


def _children(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


def _task_workers(pid: int) -> list[int]:
    deadline = time.monotonic() + 10
    while True:
        found = [child for child in _children(pid)
                 if b"worker" in Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_the_command_hands_gunicorn_its_options_and_sets_the_connection_age(db, monkeypatch):
    from django.conf import settings

    started = {}
    monkeypatch.setattr(serve, "run_gunicorn", lambda config, application: started.update(config))
    monkeypatch.setenv("BANGFU_THREADS", "2")
    monkeypatch.setenv("BANGFU_TASK_WORKERS", "0")
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 60)  # put back after the test
    call_command("serve", "--server", "gunicorn", "--workers", "3", "--port", "8123", "--db-conn-max-age", "0",
                 stdout=io.StringIO())
    assert started["bind"] == ["127.0.0.1:8123"]
    assert (started["workers"], started["threads"]) == (3, 2)
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0
