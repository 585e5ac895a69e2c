"""The administrator's account pages: list, create, change, deactivate, reset, unlock."""

import pytest
from django.test import Client
from django.urls import reverse

from bangfu.accounts import throttle
from bangfu.accounts.models import LoginFailure, Role, User
from bangfu.audit.models import Action, AuditEntry


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def entries(user, action=Action.UPDATE):
    return AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk), action=action)


@pytest.mark.parametrize("who", ["alice", "sam", "audrey", "dora", "tom", "ed"])
def test_only_the_administrator_manages_accounts(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("account_list")).status_code == 403
    assert client.post(reverse("account_create"), {"username": "x", "role": "admin"}).status_code == 403
    assert client.post(reverse("account_action", args=[world.bob.pk, "reset"])).status_code == 403
    assert not User.objects.filter(username="x").exists()


def test_the_menu_offers_account_management_to_the_administrator_only(client, world):
    client.force_login(world.admin)
    assert reverse("account_list") in client.get("/").content.decode()
    client.force_login(world.alice)
    assert reverse("account_list") not in client.get("/").content.decode()


def test_the_list_filters_by_role_region_activity_and_name(admin_client, world):
    def names(**query):
        return {u.username for u in admin_client.get(reverse("account_list"), query).context["page"]}

    assert names(role="hrss") == {"alice", "bob"}
    assert names(region="522633101") == {"sam", "tom"}
    assert names(q="AUD") == {"audrey"}
    world.bob.is_active = False
    world.bob.save()
    assert names(active="0") == {"bob"}
    assert "system" not in names()


def test_it_creates_an_account_with_a_temporary_password_shown_once(admin_client, world):
    response = admin_client.post(reverse("account_create"), {
        "username": " Ｌｉｌｙ ", "first_name": "李丽", "role": "surveyor", "region": "522633101002",
        "organisation": "丙妹镇"})
    assert response.status_code == 200
    lily = User.objects.get(username="lily")
    password = response.context["password"]
    assert password in response.content.decode()
    assert lily.check_password(password) and lily.must_change_password
    assert (lily.role, lily.region_id, lily.first_name) == (Role.SURVEYOR, "522633101002", "李丽")
    assert entries(lily, Action.CREATE).get().user == world.admin


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"username": "ALICE", "region": "522633"}, "username", "登录名 alice 已被使用"),
    ({"username": "new", "region": "110101"}, "region", "没有区划代码为 110101000000 的区划"),
    ({"username": "new", "region": "52263"}, "region", "区划代码应为 2、4、6、9 或 12 位数字"),
    ({"username": "new", "region": ""}, "region", "除系统管理员外，每个账号都须指定所属区划"),
])
def test_it_refuses_a_bad_account_naming_the_field(admin_client, world, data, field, message):
    response = admin_client.post(reverse("account_create"), {"role": "hrss", **data})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not User.objects.filter(username="new").exists()


def test_it_changes_role_and_region_and_audits_the_fields(admin_client, world):
    response = admin_client.post(reverse("account_detail", args=[world.sam.pk]), {
        "username": "ignored", "first_name": "", "role": "township", "region": "522633102", "organisation": ""})
    assert response.status_code == 302
    world.sam.refresh_from_db()
    assert (world.sam.username, world.sam.role, world.sam.region_id) == ("sam", "township", "522633102000")
    assert entries(world.sam).get().detail == {"fields": ["role", "region"]}


def test_deactivate_and_reactivate(admin_client, world):
    alice = Client()
    alice.force_login(world.alice)
    admin_client.post(reverse("account_action", args=[world.alice.pk, "deactivate"]))
    world.alice.refresh_from_db()
    assert not world.alice.is_active
    assert alice.get(reverse("person_list")).status_code == 302  # her session ends with it
    admin_client.post(reverse("account_action", args=[world.alice.pk, "activate"]))
    world.alice.refresh_from_db()
    assert world.alice.is_active
    assert [e.detail["reason"] for e in entries(world.alice).order_by("id")] == ["停用账号", "启用账号"]


def test_the_last_active_administrator_cannot_be_deactivated_or_demoted(admin_client, world):
    response = admin_client.post(reverse("account_action", args=[world.admin.pk, "deactivate"]), follow=True)
    assert "唯一一个启用的系统管理员" in response.content.decode()
    response = admin_client.post(reverse("account_detail", args=[world.admin.pk]),
                                 {"username": "admin", "role": "hrss", "region": "522633"})
    assert "唯一一个启用的系统管理员" in response.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.is_active and world.admin.role == Role.ADMIN
    assert not entries(world.admin).exists()
    # With a second active administrator, the first may step down.
    User.objects.create_user("root2", role=Role.ADMIN)
    admin_client.post(reverse("account_action", args=[world.admin.pk, "deactivate"]))
    world.admin.refresh_from_db()
    assert not world.admin.is_active


def test_reset_password_shows_a_temporary_one_and_unlocks(admin_client, world):
    for _ in range(5):
        Client().post("/login/", {"username": "sam", "password": "wrong"})
    assert LoginFailure.objects.count() == 5
    response = admin_client.post(reverse("account_action", args=[world.sam.pk, "reset"]))
    password = response.context["password"]
    world.sam.refresh_from_db()
    assert world.sam.check_password(password) and world.sam.must_change_password
    assert not LoginFailure.objects.exists()
    assert entries(world.sam).get().detail == {"reason": "重置密码"}
    assert password not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_unlock_clears_the_failures_of_the_name(admin_client, world, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        Client().post("/login/", {"username": "Sam ", "password": "wrong"})
    listed = admin_client.get(reverse("account_list"))
    assert listed.context["locked"] == {"sam"}
    assert throttle.is_locked(listed.wsgi_request, "sam", None)
    admin_client.post(reverse("account_action", args=[world.sam.pk, "unlock"]))
    assert not LoginFailure.objects.filter(username="sam").exists()
    assert entries(world.sam).get().detail == {"reason": "解除登录锁定"}


def test_an_unknown_action_is_404(admin_client, world):
    assert admin_client.post(reverse("account_action", args=[world.sam.pk, "delete"])).status_code == 404
