"""Login throttling: one allowance per name however it is typed, and no lock-out by strangers."""

import pytest
from django.urls import reverse

from bangfu.accounts import throttle
from bangfu.accounts.models import LoginFailure
from bangfu.conftest import PASSWORD

LOGIN = "/login/"


def fail(client, username, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)


def log_in(client, username, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("variant", ["alice ", " ALICE", "Ａｌｉｃｅ", "ａｌｉｃｅ\u3000"])
def test_it_counts_every_spelling_of_a_name_as_that_name(world, client, variant):
    for _ in range(4):
        fail(client, "alice")
    fail(client, variant)
    assert set(LoginFailure.objects.values_list("username", flat=True)) == {"alice"}
    response = log_in(client, "alice")
    assert response.status_code == 429


@pytest.mark.parametrize("variant", ["alice ", "ALICE", "ａｌｉｃｅ"])
def test_a_variant_of_a_locked_name_is_locked_too(world, client, variant):
    for _ in range(5):
        fail(client, "alice")
    assert log_in(client, variant).status_code == 429


@pytest.mark.parametrize("variant", ["alice ", "ALICE", "ａｌｉｃｅ"])
def test_any_spelling_of_the_name_logs_in(world, client, variant):
    response = log_in(client, variant)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_the_lockout_message_states_the_configured_window(world, client, settings):
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 40 * 60
    for _ in range(5):
        fail(client, "alice")
    response = log_in(client, "alice")
    assert response.status_code == 429
    text = response.content.decode()
    assert "请 40 分钟后再试" in text and "15 分钟" not in text
    assert "暂停登录 40 分钟" in client.get(LOGIN).content.decode()


def test_failures_outside_the_window_do_not_count(world, client, settings):
    for _ in range(5):
        fail(client, "alice")
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 0
    assert log_in(client, "alice").status_code == 302


def test_many_names_from_one_address_lock_that_address_for_new_browsers(world, client, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT * throttle.ADDRESS_FACTOR):
        fail(client, f"guess{n}", ip="192.0.2.7")
    assert log_in(client, "admin", ip="192.0.2.7").status_code == 429
    assert log_in(client, "admin", ip="192.0.2.8").status_code == 302  # another address is not affected


def test_a_shared_address_does_not_lock_out_a_user_on_a_browser_they_have_used(world, client, settings):
    """The office NAT: the administrator logged in from this browser before; then someone behind
    the same address fails 20 times on random names and 5 times on "admin" itself."""
    assert log_in(client, "admin", ip="192.0.2.7").status_code == 302
    assert throttle.COOKIE in client.cookies
    client.post(reverse("logout"))
    stranger = client_class_like(client)
    for n in range(settings.LOGIN_FAILURE_LIMIT * throttle.ADDRESS_FACTOR):
        fail(stranger, f"guess{n}", ip="192.0.2.7")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        fail(stranger, "admin", ip="192.0.2.7")
    assert log_in(stranger, "admin", ip="192.0.2.7").status_code == 429
    assert log_in(client, "admin", ip="192.0.2.7").status_code == 302


def test_a_known_browser_has_its_own_allowance(world, client, settings):
    assert log_in(client, "alice").status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        fail(client, "alice")
    assert log_in(client, "alice").status_code == 429
    assert log_in(client_class_like(client), "alice").status_code == 302  # strangers' count is separate


def test_a_device_cookie_is_for_its_own_name_only(world, client, settings):
    assert log_in(client, "alice").status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        fail(client_class_like(client), "bob")
    assert log_in(client, "bob").status_code == 429


def test_a_forged_device_cookie_counts_as_none(world, client, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        fail(client, "alice")
    client.cookies[throttle.COOKIE] = '[["alice","abcd"]]'
    assert log_in(client, "alice").status_code == 429


def test_a_success_on_a_known_browser_keeps_the_strangers_failures(world, client):
    log_in(client, "alice")
    client.post(reverse("logout"))
    stranger = client_class_like(client)
    fail(stranger, "alice")
    fail(stranger, "alice")
    fail(client, "alice")
    assert log_in(client, "alice").status_code == 302
    assert list(LoginFailure.objects.values_list("device", flat=True)) == ["", ""]


def test_a_success_on_a_new_browser_clears_the_names_failures(world, client):
    fail(client_class_like(client), "alice")
    assert log_in(client, "alice").status_code == 302
    assert not LoginFailure.objects.exists()


def client_class_like(client):
    return type(client)()
