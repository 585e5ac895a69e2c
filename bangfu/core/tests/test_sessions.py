"""The idle timeout writes the session at most once a minute (bangfu.core.sessions)."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bangfu.core import sessions


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand; starts at a fixed epoch second."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(sessions, "clock", lambda: now[0])
    return now


def session_writes(queries) -> int:
    return sum(1 for q in queries if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(
        ("UPDATE", "INSERT")))


def the_session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_two_requests_in_a_row_write_the_session_once(client, world, clock):
    client.force_login(world.alice)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/").status_code == 200
    expiry = the_session(client).expire_date
    clock[0] += 30
    with CaptureQueriesContext(connection) as second:
        assert client.get("/").status_code == 200
    assert session_writes(first.captured_queries) == 1  # the first refresh after signing in
    assert session_writes(second.captured_queries) == 0
    assert the_session(client).expire_date == expiry


def test_a_request_a_minute_later_extends_the_session(client, world, clock):
    client.force_login(world.alice)
    client.get("/")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=5))
    clock[0] += sessions.REFRESH_SECONDS
    with CaptureQueriesContext(connection) as later:
        client.get("/")
    assert session_writes(later.captured_queries) == 1
    assert the_session(client).expire_date > timezone.now() + datetime.timedelta(minutes=29)


def test_the_idle_timeout_still_ends_a_session(client, world, clock):
    client.force_login(world.alice)
    assert client.get("/people/").status_code == 200
    # 30 idle minutes later: the expiry written by the last refresh has passed.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))
    clock[0] += 30 * 60
    response = client.get("/people/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_anonymous_visitor_gets_no_session_row(client, db, clock):
    client.get("/login/")
    client.cookies["sessionid"] = "stale-key-of-an-ended-session"
    client.get("/login/")
    assert not Session.objects.exists()
