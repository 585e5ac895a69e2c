"""The gate: grants, reaches and scopes, with the fixed users of bangfu.conftest."""

import pytest
from django.http import Http404

from bangfu.core import permissions as gate
from bangfu.core.permissions import Forbidden, Reach, Scope
from bangfu.registry.models import Household, Person, Survey
from bangfu.registry.permissions import Perm


def test_prefix_q_is_a_closed_open_range_on_the_code():
    q = gate.prefix_q("region_code", "5229")
    assert dict(q.children) == {"region_code__gte": "5229", "region_code__lt": "522:"}
    assert gate.prefix_q("region_code", "") == gate.Q()


@pytest.mark.parametrize(("reach", "scope", "expected"), [
    (Reach(user_id=1, region_prefix="522633"), Scope(region="region_code"),
     "(AND: ('region_code__gte', '522633'), ('region_code__lt', '522634'))"),
    (Reach(user_id=1, organisation_id=7), Scope(region="region_code", organisation="employer_id"),
     "(AND: ('employer_id', 7))"),
    (Reach(user_id=1, region_prefix="52"), Scope(owner="user_id"), "(AND: ('user_id', 1))"),
    (Reach(user_id=1, region_prefix="", everything=True), Scope(region="region_code"), "(AND: )"),
])
def test_reach_q_combines_what_the_user_reaches_with_how_the_model_is_placed(reach, scope, expected):
    assert str(gate.reach_q(reach, scope)) == expected


def test_a_reach_that_the_model_cannot_place_sees_nothing():
    assert gate.reach_q(Reach(user_id=1, organisation_id=7), Scope(region="region_code")) is None
    assert gate.reach_q(gate.NOWHERE, Scope(region="region_code", owner="user_id")) is None


def test_roles_hold_their_grants(world):
    assert Perm.EDIT_LEDGER in gate.permissions_of(world.alice)
    assert gate.permissions_of(world.sam) == {Perm.VIEW_LEDGER, Perm.RECORD_SURVEY}
    assert Perm.VIEW_LEDGER not in gate.permissions_of(world.ed)
    assert gate.permissions_of(world.admin) == set(gate.all_permissions())
    world.alice.is_active = False
    assert gate.permissions_of(world.alice) == frozenset()


def test_scope_keeps_the_users_region_only(world):
    assert set(gate.scope(world.alice, Person.objects.all(), Perm.VIEW_LEDGER)) == {
        world.person, world.other_village_person}
    assert set(gate.scope(world.sam, Person.objects.all(), Perm.VIEW_LEDGER)) == {world.person}
    assert set(gate.scope(world.admin, Person.objects.all(), Perm.VIEW_LEDGER)) == set(Person.objects.all())
    assert not gate.scope(world.ed, Person.objects.all(), Perm.VIEW_LEDGER).exists()
    assert not gate.scope(world.sam, Person.objects.all(), Perm.EDIT_LEDGER).exists()


def test_a_model_without_a_registered_scope_is_an_error_not_a_leak(world):
    with pytest.raises(LookupError):
        gate.scope_of(type("Unregistered", (), {"__name__": "Unregistered"}))
    assert gate.scope_of(Survey) == Scope(region="person__region_code")
    assert gate.scope_of(Household) == Scope(region="region_code")


def test_get_for_user_answers_404_alike_for_absent_elsewhere_and_malformed(world):
    for pk in (world.outsider_person.pk, 10**9, "abc", None, 2**70):
        with pytest.raises(Http404):
            gate.get_for_user(world.alice, Person.objects.all(), pk, Perm.VIEW_LEDGER)
    assert gate.get_for_user(world.alice, Person.objects.all(), world.person.pk, Perm.VIEW_LEDGER) == world.person


def test_check_says_whether_the_role_or_the_region_is_wrong(world):
    gate.check(world.alice, Perm.EDIT_LEDGER, "522633101001")
    with pytest.raises(Forbidden, match="您的角色无权进行此操作"):
        gate.check(world.sam, Perm.EDIT_LEDGER, "522633101001")
    with pytest.raises(Forbidden, match="您无权在该区划进行此操作"):
        gate.check(world.alice, Perm.EDIT_LEDGER, "522631101001")
    assert gate.can(world.tom, Perm.EDIT_LEDGER, "522633101002")
    assert not gate.can(world.tom, Perm.EDIT_LEDGER, "522633102001")


def test_a_forbidden_page_is_403_not_500(world, client):
    from bangfu.conftest import PASSWORD

    client.login(username="sam", password=PASSWORD)
    assert client.get("/people/new/").status_code == 403
    assert client.post(f"/people/{world.person.pk}/reveal/id_number/").status_code == 403


def test_a_user_without_a_region_reaches_nothing_unless_an_administrator(world):
    world.sam.region = None
    assert world.sam.reach == gate.NOWHERE
    assert not gate.scope(world.sam, Person.objects.all(), Perm.VIEW_LEDGER).exists()
    assert not gate.covers(world.sam, "522633101001")
    assert world.admin.reach.everything and gate.covers(world.admin, "110101001001")


def test_an_anonymous_or_inactive_user_may_do_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert gate.permissions_of(AnonymousUser()) == frozenset()
    assert gate.reach_of(AnonymousUser()) == gate.NOWHERE
    world.tom.is_active = False
    assert gate.reach_of(world.tom) == gate.NOWHERE
    assert not gate.scope(world.tom, Person.objects.all(), Perm.VIEW_LEDGER).exists()
