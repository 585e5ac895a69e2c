"""Client address and scheme from X-Forwarded-* only when a listed proxy sends them."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from bangfu.accounts.models import LoginFailure
from bangfu.audit import log
from bangfu.audit.models import Action, AuditEntry
from bangfu.core import proxies

PROXY = "10.1.2.3"


@pytest.fixture
def trusted(settings):
    settings.TRUSTED_PROXIES = [PROXY, "fd00::/8", "172.16.0.0/12"]


def resolved(**meta):
    return proxies.resolve({"REMOTE_ADDR": PROXY, **meta})


def test_it_takes_the_client_from_a_listed_proxy(trusted):
    assert resolved(HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https") == ("203.0.113.9", "https")


def test_it_skips_the_hops_of_trusted_proxies_and_stops_at_the_first_stranger(trusted):
    chain = "198.51.100.1, 203.0.113.9, 172.16.5.5"  # client-chosen, the real client, an inner proxy
    assert resolved(HTTP_X_FORWARDED_FOR=chain)[0] == "203.0.113.9"


def test_a_cidr_network_and_ipv6_are_listed_proxies(trusted):
    assert proxies.resolve({"REMOTE_ADDR": "fd00::1", "HTTP_X_FORWARDED_FOR": "2001:db8::7"})[0] == "2001:db8::7"
    assert proxies.resolve({"REMOTE_ADDR": "172.31.255.254", "HTTP_X_FORWARDED_FOR": "203.0.113.9"})[0] == "203.0.113.9"


def test_headers_from_an_unlisted_address_are_ignored(trusted):
    meta = {"REMOTE_ADDR": "198.51.100.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9", "HTTP_X_FORWARDED_PROTO": "https"}
    assert proxies.resolve(meta) == ("198.51.100.1", None)


def test_without_listed_proxies_nothing_forwarded_is_believed(settings):
    settings.TRUSTED_PROXIES = []
    assert resolved(HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https") == (PROXY, None)


def test_garbage_in_the_chain_or_the_scheme_is_not_believed(trusted):
    assert resolved(HTTP_X_FORWARDED_FOR="not-an-address", HTTP_X_FORWARDED_PROTO="gopher") == (PROXY, None)
    assert resolved(HTTP_X_FORWARDED_FOR="203.0.113.9, junk")[0] == PROXY


def test_a_bad_setting_is_refused_with_its_name(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="BANGFU_TRUSTED_PROXIES"):
        proxies.trusted_networks()


def test_the_audit_log_uses_the_same_rule(trusted, db):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    forwarded = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert log.client_ip(spoofed) == "198.51.100.1"
    assert log.client_ip(forwarded) == "203.0.113.9"


def test_pages_see_the_forwarded_client_and_scheme_from_a_listed_proxy(trusted, world, client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    response = client.post("/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR=PROXY,
                           HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"].startswith("max-age=3600")
    assert LoginFailure.objects.get().ip == "203.0.113.9"
    assert AuditEntry.objects.get(action=Action.LOGIN_FAILED).ip == "203.0.113.9"


def test_a_spoofed_forwarded_for_does_not_move_the_throttle(trusted, world, client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="198.51.100.1",
                    HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", HTTP_X_FORWARDED_PROTO="https")
    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {"198.51.100.1"}
    response = client.get("/login/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in response


def test_serve_names_the_trusted_proxies(trusted, db, monkeypatch):
    import io

    import waitress
    from django.core.management import call_command

    from bangfu.management.commands import serve

    served = {}
    # Never a real server in the test process: both servers are replaced by recorders.
    monkeypatch.setattr(serve, "run_gunicorn", lambda config, application: served.update(config))
    monkeypatch.setattr(waitress, "serve", lambda app, **options: served.update(options))
    # Nothing is forked here: keep the test's connection (inside its transaction) open.
    monkeypatch.setattr(serve.connections, "close_all", lambda: None)
    out = io.StringIO()
    call_command("serve", "--server", "gunicorn", "--port", "8123", stdout=out)
    assert "10.1.2.3/32, fd00::/8, 172.16.0.0/12" in out.getvalue()
    # Forwarded headers are bangfu.core.proxies' alone: gunicorn trusts no address with them.
    assert served["bind"] == ["127.0.0.1:8123"] and served["forwarded_allow_ips"] == ""
    served.clear()
    call_command("serve", "--server", "waitress", "--port", "8123", stdout=io.StringIO())
    assert served["port"] == 8123 and "trusted_proxy" not in served
