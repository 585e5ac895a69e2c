"""Exact behaviour of the gate that pages, API and actions rely on: the refusal messages, what each
reach covers for each way a model is placed, and which roles a narrowing applies to."""

import types

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from bangfu.accounts.models import Role
from bangfu.conftest import make_person, valid_id
from bangfu.core import permissions as gate
from bangfu.core.permissions import Forbidden, Reach, Scope
from bangfu.registry.models import Household, Person
from bangfu.registry.permissions import Perm


def test_forbidden_says_not_allowed_unless_told_why():
    assert str(Forbidden()) == "您无权进行此操作"
    assert str(Forbidden("只能编辑本村")) == "只能编辑本村"
    assert isinstance(Forbidden(), PermissionDenied)  # Django answers it with 403


def test_a_permission_is_its_code_with_a_label_and_is_defined_once(monkeypatch):
    monkeypatch.setattr(gate, "_PERMISSIONS", {})  # defined by no earlier test either
    first = gate.define("test_exact_perm", "甲")
    again = gate.define("test_exact_perm", "乙")
    assert again is first and (str(again), again.label) == ("test_exact_perm", "甲")
    assert gate.all_permissions()["test_exact_perm"] is first
    gate.all_permissions().clear()  # a copy: the caller cannot drop definitions
    assert "test_exact_perm" in gate.all_permissions()


def test_require_refuses_a_role_without_the_permission(world):
    gate.require(world.alice, Perm.EDIT_LEDGER)
    with pytest.raises(Forbidden) as caught:
        gate.require(world.sam, Perm.EDIT_LEDGER)
    assert str(caught.value) == "您的角色无权进行此操作"
    assert gate.has_perm(world.sam, Perm.RECORD_SURVEY) and not gate.has_perm(world.sam, Perm.EXPORT)


def test_an_inactive_user_loses_every_permission_and_all_reach(world):
    world.admin.is_active = False
    assert gate.permissions_of(world.admin) == frozenset()
    assert gate.reach_of(world.admin) == gate.NOWHERE
    assert not gate.covers(world.admin, "522633101001")


def test_a_reach_defaults_to_no_region_no_organisation_not_everything():
    assert Reach(user_id=5) == Reach(user_id=5, region_prefix=None, organisation_id=None, everything=False)
    assert Reach(user_id=None) == gate.NOWHERE


def test_an_unregistered_model_is_named_in_the_error():
    with pytest.raises(LookupError) as caught:
        gate.scope_of(type("Ghost", (), {}))
    assert str(caught.value) == "Ghost has no registered scope (core.permissions.register_scope)"
    assert gate.scoped_models()[Person] == Scope(region="region_code")
    gate.scoped_models().clear()  # a copy
    assert Person in gate.scoped_models()


PLACED_EVERY_WAY = Scope(region="region_code", organisation="employer_id", owner="created_by_id")


@pytest.mark.parametrize(("reach", "expected"), [
    (Reach(user_id=3, region_prefix="5226", organisation_id=7),
     "(OR: ('created_by_id', 3), (AND: ('region_code__gte', '5226'), ('region_code__lt', '5227')), "
     "('employer_id', 7))"),
    (Reach(user_id=3, organisation_id=7), "(OR: ('created_by_id', 3), ('employer_id', 7))"),
    (Reach(user_id=None, region_prefix="52"), "(AND: ('region_code__gte', '52'), ('region_code__lt', '53'))"),
    (Reach(user_id=None, organisation_id=0), "(AND: ('employer_id', 0))"),
    (Reach(user_id=0), "(AND: ('created_by_id', 0))"),
])
def test_a_record_is_reached_through_any_of_the_ways_it_is_placed(reach, expected):
    assert str(gate.reach_q(reach, PLACED_EVERY_WAY)) == expected


def test_a_reach_without_a_matching_placement_reaches_nothing():
    assert gate.reach_q(Reach(user_id=None), PLACED_EVERY_WAY) is None
    assert gate.reach_q(Reach(user_id=3, region_prefix="52", organisation_id=7), Scope()) is None
    assert gate.reach_q(Reach(user_id=None, everything=True), Scope()) == Q()


def test_prefix_q_steps_the_last_character_only():
    assert dict(gate.prefix_q("code", "52263").children) == {"code__gte": "52263", "code__lt": "52264"}
    assert dict(gate.prefix_q("code", "9").children) == {"code__gte": "9", "code__lt": ":"}


def test_only_the_federation_role_is_narrowed_and_it_is_told_why(world):
    assert gate.narrowed_roles(Person) == {Role.DPF_OFFICER} == gate.narrowed_roles(Household)
    assert gate.narrowed_roles(type("Ghost", (), {})) == set()
    assert gate.narrowing_of(world.alice, Person) is None
    assert gate.narrowing_of(AnonymousUser(), Person) is None
    narrowing = gate.narrowing_of(world.dora, Person)
    assert str(narrowing.refusal) == "残联工作人员只能登记和编辑残疾人（须填写残疾类别和等级）"
    assert str(gate.narrowing_of(world.dora, Household).refusal) == "残联工作人员只能编辑有残疾人成员的家庭户"


def test_a_narrowed_role_sees_only_the_matching_records_of_its_reach(world):
    disabled = make_person(world.alice, name="赵六", seq=41, disability_card=valid_id(seq=41) + "42")
    people = Person.objects.all()
    assert set(gate.scope(world.dora, people, Perm.VIEW_LEDGER)) == {disabled}
    assert set(gate.scope(world.alice, people, Perm.VIEW_LEDGER)) == {disabled, world.person,
                                                                       world.other_village_person}
    assert gate.reaches(world.dora, disabled, Perm.VIEW_LEDGER)
    assert not gate.reaches(world.dora, world.person, Perm.VIEW_LEDGER)
    assert not gate.reaches(world.alice, world.outsider_person, Perm.VIEW_LEDGER)
    assert gate.get_for_user(world.dora, people, str(disabled.pk), Perm.VIEW_LEDGER) == disabled


def test_check_reaches_refuses_a_narrowed_role_with_its_message_and_leaves_others_to_check(world):
    with pytest.raises(Forbidden) as caught:
        gate.check_reaches(world.dora, world.person, Perm.EDIT_LEDGER)
    assert str(caught.value) == "残联工作人员只能登记和编辑残疾人（须填写残疾类别和等级）"
    disabled = make_person(world.alice, name="赵六", seq=41, disability_card=valid_id(seq=41) + "42")
    gate.check_reaches(world.dora, disabled, Perm.EDIT_LEDGER)
    # A role that is not narrowed is not asked here: its region was checked before the write.
    gate.check_reaches(world.alice, world.outsider_person, Perm.EDIT_LEDGER)


@pytest.mark.parametrize(("name", "code", "covered"), [
    ("tom", "522633101000", True), ("tom", "522633101002", True), ("tom", "522633102001", False),
    ("tom", "522633", False),  # the county above his township
    ("alice", "522633102001", True), ("alice", "522631101001", False),
    ("ed", "522633101001", False),  # an employer operator reaches an organisation, no region
    ("admin", "110101001001", True),
])
def test_covers_is_the_users_region_and_below(world, name, code, covered):
    assert gate.covers(getattr(world, name), code) is covered


@pytest.mark.parametrize(("name", "perm", "code", "allowed"), [
    ("tom", Perm.EDIT_LEDGER, "522633101002", True),
    ("tom", Perm.EDIT_LEDGER, "522633102001", False),  # right role, wrong region
    ("sam", Perm.EDIT_LEDGER, "522633101001", False),  # right region, wrong role
    ("sam", Perm.RECORD_SURVEY, "522633101001", True),
])
def test_can_needs_both_the_permission_and_the_region(world, name, perm, code, allowed):
    assert gate.can(getattr(world, name), perm, code) is allowed
    if allowed:
        gate.check(getattr(world, name), perm, code)
    else:
        with pytest.raises(Forbidden):
            gate.check(getattr(world, name), perm, code)


def test_check_says_exactly_whether_the_role_or_the_region_is_wrong(world):
    with pytest.raises(Forbidden) as caught:
        gate.check(world.sam, Perm.EDIT_LEDGER, "522633101001")
    assert str(caught.value) == "您的角色无权进行此操作"
    with pytest.raises(Forbidden) as caught:
        gate.check(world.tom, Perm.EDIT_LEDGER, "522633102001")
    assert str(caught.value) == "您无权在该区划进行此操作"
    with pytest.raises(Forbidden) as caught:
        gate.check(world.ed, Perm.EDIT_LEDGER, "522633101001")  # no such permission: the role is named
    assert str(caught.value) == "您的角色无权进行此操作"


def someone(role):
    return types.SimpleNamespace(is_authenticated=True, is_active=True, role=role)


def test_grant_adds_to_what_each_role_holds_and_all_is_every_permission(monkeypatch):
    monkeypatch.setattr(gate, "_GRANTS", {})
    gate.grant([Role.SURVEYOR, "clerk"], "read", "write")
    gate.grant(["clerk"], "print")
    assert gate.permissions_of(someone("surveyor")) == {"read", "write"}
    assert gate.permissions_of(someone("clerk")) == {"read", "write", "print"}
    assert gate.permissions_of(someone("nobody")) == frozenset()
    gate.grant(["boss"], gate.ALL)
    assert gate.permissions_of(someone("boss")) == set(gate.all_permissions())


def test_register_scope_places_a_model(monkeypatch):
    monkeypatch.setattr(gate, "_SCOPES", {})
    ghost = type("Ghost", (), {})
    gate.register_scope(ghost, Scope(owner="user_id"))
    assert gate.scope_of(ghost) == Scope(owner="user_id") and gate.scoped_models() == {ghost: Scope(owner="user_id")}


def test_narrow_applies_to_each_role_named(monkeypatch):
    monkeypatch.setattr(gate, "_NARROWINGS", {})
    condition = Q(relocated=True)
    gate.narrow([Role.SURVEYOR, "clerk"], Person, condition, "只看搬迁户")
    assert gate.narrowed_roles(Person) == {"surveyor", "clerk"} and gate.narrowed_roles(Household) == set()
    narrowing = gate.narrowing_of(someone("clerk"), Person)
    assert (narrowing.condition, narrowing.refusal) == (condition, "只看搬迁户")
    assert gate.narrowing_of(someone("clerk"), Household) is None


def test_no_user_at_all_may_do_nothing_and_reaches_nowhere():
    assert gate.permissions_of(None) == frozenset()
    assert gate.reach_of(None) == gate.NOWHERE
    assert gate.narrowing_of(None, Person) is None
