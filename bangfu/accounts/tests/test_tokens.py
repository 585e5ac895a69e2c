"""API tokens: issued with an expiry, listed, revoked, refused once expired or revoked."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bangfu.accounts import actions
from bangfu.accounts.models import ApiToken
from bangfu.audit.models import Action, AuditEntry
from bangfu.core.permissions import Forbidden


def bearer(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_user_with_api_access_issues_a_token_that_works(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("token_list"), {"name": "统计分析", "days": "30"})
    api_token, token = response.context["issued"]
    assert token in response.content.decode()
    assert api_token.user == world.alice and api_token.created_by == world.alice
    assert api_token.expires_at - timezone.now() > datetime.timedelta(days=29, hours=23)
    assert bearer(token).get("/api/me").json()["username"] == "alice"
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="accounts.apitoken")
    assert token not in str(entry.detail) and entry.detail["prefix"] == api_token.prefix


def test_the_default_lifetime_and_the_longest(client, world, settings):
    api_token, _token = actions.do_issue_token(world.alice, world.alice, "x")
    lifetime = api_token.expires_at - api_token.created_at
    assert abs(lifetime - datetime.timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)) < datetime.timedelta(seconds=5)
    client.force_login(world.alice)
    response = client.post(reverse("token_list"), {"name": "x", "days": str(settings.API_TOKEN_MAX_DAYS + 1)})
    assert "有效期应为 1 至 366 天" in response.context["form"].errors["days"]
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("who", ["sam", "tom", "ed"])
def test_roles_without_api_access_have_no_tokens_page_docs_or_menu(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("token_list")).status_code == 403
    assert client.get("/api/docs").status_code == 403
    assert client.get("/api/openapi.json").status_code == 403
    assert "/api/docs" not in client.get("/").content.decode()


def test_users_with_api_access_get_the_docs_and_the_menu_entry(client, world):
    client.force_login(world.audrey)
    assert client.get("/api/docs").status_code == 200
    assert "/api/people" in client.get("/api/openapi.json").json()["paths"]
    assert "/api/docs" in client.get("/").content.decode()


def test_the_docs_answer_a_token_of_a_user_with_api_access_and_no_one_else(world):
    assert Client().get("/api/openapi.json").status_code == 404
    assert Client().get("/api/docs").status_code == 404
    assert bearer(ApiToken.issue(world.alice, "x")[1]).get("/api/openapi.json").status_code == 200
    assert bearer(ApiToken.issue(world.sam, "x")[1]).get("/api/openapi.json").status_code == 403


def test_a_user_sees_their_own_tokens_and_the_administrator_everyones(client, world):
    mine = actions.do_issue_token(world.alice, world.alice, "mine")[0]
    actions.do_issue_token(world.admin, world.audrey, "audrey's")
    client.force_login(world.alice)
    assert [t.pk for t in client.get(reverse("token_list")).context["page"]] == [mine.pk]
    client.force_login(world.admin)
    assert {t.name for t in client.get(reverse("token_list")).context["page"]} == {"mine", "audrey's"}


def test_the_administrator_issues_for_another_account_with_api_access_only(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("token_list"), {"name": "bi", "days": "90", "user": "Audrey"})
    assert response.context["issued"][0].user == world.audrey
    response = client.post(reverse("token_list"), {"name": "bi", "days": "90", "user": "sam"})
    assert "账号 sam 的角色不能使用 API" in response.context["form"].errors["user"]
    response = client.post(reverse("token_list"), {"name": "bi", "days": "90", "user": "nobody"})
    assert "没有登录名为 nobody 的账号" in response.context["form"].errors["user"]


def test_a_user_cannot_issue_for_someone_else(world):
    with pytest.raises(Forbidden):
        actions.do_issue_token(world.alice, world.audrey, "x")


def test_a_revoked_token_is_refused(client, world):
    api_token, token = actions.do_issue_token(world.alice, world.alice, "x")
    client.force_login(world.alice)
    client.post(reverse("token_revoke", args=[api_token.pk]))
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None
    assert bearer(token).get("/api/me").status_code == 401
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_type="accounts.apitoken").count() == 1


def test_another_users_token_cannot_be_revoked_by_a_non_admin(client, world):
    api_token, token = actions.do_issue_token(world.admin, world.audrey, "x")
    client.force_login(world.alice)
    assert client.post(reverse("token_revoke", args=[api_token.pk])).status_code == 404
    assert bearer(token).get("/api/me").status_code == 200


def test_an_expired_token_is_refused(world):
    api_token, token = actions.do_issue_token(world.alice, world.alice, "x")
    ApiToken.objects.filter(pk=api_token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert bearer(token).get("/api/me").status_code == 401


def test_last_use_is_written_at_most_once_a_minute(world):
    api_token, token = actions.do_issue_token(world.alice, world.alice, "x")
    api = bearer(token)
    api.get("/api/me")
    first = ApiToken.objects.get(pk=api_token.pk).last_used_at
    assert first is not None
    api.get("/api/me")
    assert ApiToken.objects.get(pk=api_token.pk).last_used_at == first
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    api.get("/api/me")
    assert ApiToken.objects.get(pk=api_token.pk).last_used_at > first
