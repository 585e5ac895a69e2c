"""`bangfu createuser` and `bangfu issuetoken`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bangfu.accounts.models import ApiToken, User
from bangfu.audit.models import AuditEntry
from bangfu.conftest import PASSWORD


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_createuser_with_a_password(world):
    out, _ = run("createuser", "lily", "--role", "township", "--region", "522633101", "--password", PASSWORD,
                 "--name", "李丽")
    user = User.objects.get(username="lily")
    assert (user.role, user.region_id, user.first_name) == ("township", "522633101000", "李丽")
    assert user.check_password(PASSWORD)
    assert "丙妹镇" in out and PASSWORD not in out
    assert AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).exists()


def test_createuser_makes_up_a_password_when_not_at_a_terminal(world, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    out, _ = run("createuser", "sue", "--role", "surveyor", "--region", "522633101002")
    password = out.split("password: ")[1].split()[0]
    assert len(password) >= 16
    sue = User.objects.get(username="sue")
    assert sue.check_password(password) and sue.must_change_password


def test_createuser_asks_at_a_terminal(world, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    out, _ = run("createuser", "kim", "--role", "dpf", "--region", "522633")
    assert "password:" not in out
    kim = User.objects.get(username="kim")
    assert kim.check_password(PASSWORD) and not kim.must_change_password


@pytest.mark.parametrize(("args", "message"), [
    (["alice", "--region", "522633"], "taken"),
    (["nora", "--region", "110101"], "no region"),
    (["nora", "--region", "5226x3"], "not a region code"),
    (["nora"], "--region is required"),
    (["nora", "--region", "522633", "--password", "12345"], "too weak"),
])
def test_createuser_refuses_mistakes(world, args, message):
    password = [] if "--password" in args else ["--password", PASSWORD]
    with pytest.raises(CommandError, match=message):
        run("createuser", *args, "--role", "hrss", *password)
    assert not User.objects.filter(username="nora").exists()


def test_an_admin_may_have_no_region(db):
    run("createuser", "root", "--role", "admin", "--password", PASSWORD)
    assert User.objects.get(username="root").reach.everything


def test_issuetoken_prints_a_token_that_works_once_shown(world, client):
    out, err = run("issuetoken", "alice", "--name", "province statistics sync")
    token = out.strip()
    api_token = ApiToken.objects.get(user=world.alice)
    assert api_token.name == "province statistics sync"
    assert api_token.digest == ApiToken.digest_of(token) and token not in api_token.digest
    assert "shown only this once" in err
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["username"] == "alice"


def test_issuetoken_refuses_unknown_and_inactive_users(world):
    with pytest.raises(CommandError, match="no user"):
        run("issuetoken", "nobody", "--name", "x")
    world.bob.is_active = False
    world.bob.save()
    with pytest.raises(CommandError, match="deactivated"):
        run("issuetoken", "bob", "--name", "x")
    assert not ApiToken.objects.exists()


def test_issuetoken_takes_a_lifetime_within_the_limit(world):
    out, err = run("issuetoken", "alice", "--name", "x", "--days", "7")
    api_token = ApiToken.objects.get()
    assert 6 <= (api_token.expires_at - api_token.created_at).days <= 7
    assert f"{api_token.expires_at.astimezone():%Y}" in err
    with pytest.raises(CommandError, match="366"):
        run("issuetoken", "alice", "--name", "x", "--days", "400")
    with pytest.raises(CommandError, match="API"):
        run("issuetoken", "sam", "--name", "x")
    assert ApiToken.objects.count() == 1
