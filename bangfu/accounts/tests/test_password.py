"""Every user's own password page, and the change forced after an administrator's reset."""

import pytest
from django.urls import reverse

from bangfu.accounts import actions
from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import PASSWORD

NEW = "a-new-and-long-passphrase-2026"  # noqa: S105


def change(client, old=PASSWORD, new=NEW, again=None):
    return client.post(reverse("password_change"),
                       {"old_password": old, "new_password1": new, "new_password2": again or new})


@pytest.mark.parametrize("who", ["sam", "alice", "ed", "audrey"])
def test_every_user_changes_their_password(client, world, who):
    user = getattr(world, who)
    client.force_login(user)
    assert change(client).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get("/").status_code == 200  # still signed in
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_id=str(user.pk))
    assert (entry.user, entry.detail) == (user, {"reason": "修改密码"})


@pytest.mark.parametrize(("old", "new", "again", "field"), [
    ("wrong", NEW, None, "old_password"),
    (PASSWORD, "12345678", None, "new_password2"),        # all digits, too common
    (PASSWORD, "short", None, "new_password2"),
    (PASSWORD, NEW, NEW + "x", "new_password2"),
])
def test_it_refuses_a_wrong_old_password_or_a_weak_new_one(client, world, old, new, again, field):
    client.force_login(world.sam)
    response = change(client, old, new, again)
    assert response.status_code == 200 and field in response.context["form"].errors
    world.sam.refresh_from_db()
    assert world.sam.check_password(PASSWORD)


def test_a_reset_password_must_be_changed_before_anything_else(client, world):
    temporary = actions.do_reset_password(world.admin, world.sam)
    response = client.post("/login/", {"username": "sam", "password": temporary})
    assert response["Location"] == reverse("password_change")
    assert client.get(reverse("person_list"))["Location"] == reverse("password_change")
    assert client.get("/api/me").status_code == 403
    page = client.get(reverse("password_change")).content.decode()
    assert "管理员为您重置了密码" in page
    assert change(client, temporary).status_code == 302
    world.sam.refresh_from_db()
    assert not world.sam.must_change_password
    assert client.get(reverse("person_list")).status_code == 200


def test_signing_out_is_allowed_before_the_change(client, world):
    actions.do_reset_password(world.admin, world.sam)
    client.force_login(world.sam)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
