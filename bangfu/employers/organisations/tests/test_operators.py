"""Binding operator accounts to an employer, and unbinding them (pages and actions)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from bangfu.accounts.models import Role, User
from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import PASSWORD
from bangfu.core.permissions import Forbidden, reach_of
from bangfu.employers.models import EmployerOperator
from bangfu.employers.organisations import actions
from bangfu.employers.testing import make_employer

VILLAGE = "522633101001"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _fresh(user):
    return User.objects.get(pk=user.pk)


def test_an_officer_binds_an_operator_by_username_and_it_then_reaches_the_employer(world):
    employer = make_employer(world.alice, VILLAGE, "甲公司")
    response = _client(world.alice).post(f"/employers/{employer.pk}/operators/", {"username": "ed"}, follow=True)
    assert "已绑定操作员账号 ed" in response.content.decode()
    assert EmployerOperator.objects.get(user=world.ed).bound_by == world.alice
    assert reach_of(_fresh(world.ed)).organisation_id == employer.pk
    assert _client(_fresh(world.ed)).get(f"/employers/{employer.pk}/").status_code == 200


def test_only_operator_accounts_are_bound(world):
    employer = make_employer(world.alice, VILLAGE, "甲公司")
    response = _client(world.alice).post(f"/employers/{employer.pk}/operators/", {"username": "sam"})
    assert "sam 不是" in response.context["form"].errors["username"][0]
    assert not EmployerOperator.objects.exists()


def test_an_unknown_or_inactive_username_is_named(world):
    employer = make_employer(world.alice, VILLAGE, "甲公司")
    User.objects.create_user("gone", password=PASSWORD, role=Role.EMPLOYER, is_active=False)
    client = _client(world.alice)
    for name in ("nobody", "gone"):
        response = client.post(f"/employers/{employer.pk}/operators/", {"username": name})
        assert f"没有用户名为 {name} 的有效账号" in response.context["form"].errors["username"][0]


def test_binding_to_another_employer_moves_the_account_and_says_so(world):
    first = make_employer(world.alice, VILLAGE, "甲公司")
    second = make_employer(world.alice, VILLAGE, "乙公司")
    actions.do_bind_operator(world.alice, first, world.ed)
    response = _client(world.alice).post(f"/employers/{second.pk}/operators/", {"username": "ed"}, follow=True)
    assert "原绑定的 甲公司 已解除" in response.content.decode()
    assert EmployerOperator.objects.get(user=world.ed).employer == second


def test_unbinding_leaves_the_operator_reaching_nothing(world):
    employer = make_employer(world.alice, VILLAGE, "甲公司")
    actions.do_bind_operator(world.alice, employer, world.ed)
    client = _client(world.alice)
    page = client.get(f"/employers/{employer.pk}/operators/").content.decode()
    assert "ed" in page and "解除绑定" in page
    response = client.post(f"/employers/{employer.pk}/operators/{world.ed.pk}/unbind/", follow=True)
    assert "已解除账号 ed 的绑定" in response.content.decode()
    assert not EmployerOperator.objects.exists()
    assert reach_of(_fresh(world.ed)).organisation_id is None
    assert _client(_fresh(world.ed)).get(f"/employers/{employer.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action=Action.UPDATE, detail__unbound_operator="ed").exists()
    assert client.post(f"/employers/{employer.pk}/operators/{world.ed.pk}/unbind/").status_code == 404


def test_unbind_is_a_post(world):
    employer = make_employer(world.alice, VILLAGE, "甲公司")
    actions.do_bind_operator(world.alice, employer, world.ed)
    assert _client(world.alice).get(f"/employers/{employer.pk}/operators/{world.ed.pk}/unbind/").status_code == 405
    assert EmployerOperator.objects.exists()


def test_unbinding_an_account_bound_elsewhere_is_refused(world):
    first = make_employer(world.alice, VILLAGE, "甲公司")
    second = make_employer(world.alice, VILLAGE, "乙公司")
    actions.do_bind_operator(world.alice, first, world.ed)
    with pytest.raises(ValidationError, match="未绑定到该单位"):
        actions.do_unbind_operator(world.alice, second, world.ed)
    assert EmployerOperator.objects.get().employer == first


def test_neither_an_operator_nor_another_county_may_unbind(world):
    employer = make_employer(world.alice, VILLAGE, "甲公司")
    actions.do_bind_operator(world.alice, employer, world.ed)
    for user in (_fresh(world.ed), world.bob, world.audrey):
        with pytest.raises(Forbidden):
            actions.do_unbind_operator(user, employer, world.ed)
    assert _client(world.bob).post(f"/employers/{employer.pk}/operators/{world.ed.pk}/unbind/").status_code == 404
    assert EmployerOperator.objects.exists()
