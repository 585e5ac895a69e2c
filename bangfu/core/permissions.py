"""The one permission gate: what each role may do, and which records each user may reach.

Apps declare their permissions (`define`), grant them to roles (`grant`) and declare, per model,
how a record is placed (`register_scope`: by region code, by organisation, by owner). Pages, API,
exports and reports all ask here; nothing else decides who sees what.

The core knows no roles and no regions: a user reaches records through `user.reach`, a `Reach`
that the accounts app builds from the user's role, region and organisation. An app may narrow what
a role sees of a model inside that reach (`narrow`: data minimisation, e.g. a role that works
with only part of the people of its region).
"""

import dataclasses
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Forbidden(PermissionDenied):
    """The one "not allowed": pages answer 403 (or 404 where existence must not show), the API 403."""

    def __init__(self, message=None):
        super().__init__(message or _("您无权进行此操作"))

    def __str__(self):
        return str(self.args[0])


class Permission(str):
    """A permission's code (what templates and the API's /me list) with its label."""

    label: str

    def __new__(cls, code: str, label):
        obj = super().__new__(cls, code)
        obj.label = label
        return obj


_PERMISSIONS: dict[str, Permission] = {}
_GRANTS: dict[str, set[str]] = {}
ALL = "*"  # grant(roles, ALL): every permission any app defines, now or later


def define(code: str, label) -> Permission:
    if code in _PERMISSIONS:
        return _PERMISSIONS[code]
    permission = _PERMISSIONS[code] = Permission(code, label)
    return permission


def grant(roles: Iterable[str], *permissions: str) -> None:
    for role in roles:
        _GRANTS.setdefault(str(role), set()).update(permissions)


def all_permissions() -> dict[str, Permission]:
    return dict(_PERMISSIONS)


def permissions_of(user) -> frozenset[str]:
    """Everything the user may do (templates use it to show only the actions that will work)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    granted = _GRANTS.get(str(user.role), set())
    return frozenset(_PERMISSIONS) if ALL in granted else frozenset(granted)


def has_perm(user, perm: str) -> bool:
    return perm in permissions_of(user)


def require(user, perm: str) -> None:
    if not has_perm(user, perm):
        raise Forbidden(_("您的角色无权进行此操作"))


# --- where a user reaches ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Reach:
    """What part of the data a user's role reaches: a region (by code prefix; "" is the whole
    country), an organisation, or only their own records."""

    user_id: int | None
    region_prefix: str | None = None
    organisation_id: int | None = None
    everything: bool = False


NOWHERE = Reach(user_id=None)

# How an organisation user's organisation is found (the employers app binds operators to employers).
_organisation_resolvers: list = []


def register_organisation(resolver) -> None:
    """`resolver(user)` gives the id of the organisation a user acts for, or None."""
    _organisation_resolvers[:] = [resolver]


def organisation_of(user) -> int | None:
    return _organisation_resolvers[0](user) if _organisation_resolvers else None


@dataclasses.dataclass(frozen=True)
class Scope:
    """How a model's records are placed: the lookups to their region code, organisation, owner.
    A lookup may cross a relation ("person__region_code": a survey is where its person is now)."""

    region: str | None = None
    organisation: str | None = None
    owner: str | None = None


_SCOPES: dict[type[Model], Scope] = {}


def register_scope(model: type[Model], scope: Scope) -> None:
    _SCOPES[model] = scope


def scoped_models() -> dict[type[Model], Scope]:
    return dict(_SCOPES)


def scope_of(model: type[Model]) -> Scope:
    try:
        return _SCOPES[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no registered scope (core.permissions.register_scope)") from None


def prefix_q(field: str, prefix: str) -> Q:
    """Codes that start with this prefix, as a range an index serves on SQLite and PostgreSQL."""
    if not prefix:
        return Q()
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix[:-1] + chr(ord(prefix[-1]) + 1)})


def reach_q(reach: Reach, scope: Scope) -> Q | None:
    """The records of a model with this scope that the reach covers; None for none of them."""
    if reach.everything:
        return Q()
    parts = []
    if scope.owner and reach.user_id is not None:
        parts.append(Q(**{scope.owner: reach.user_id}))
    if scope.region and reach.region_prefix is not None:
        parts.append(prefix_q(scope.region, reach.region_prefix))
    if scope.organisation and reach.organisation_id is not None:
        parts.append(Q(**{scope.organisation: reach.organisation_id}))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


# --- what a role sees of a model inside its reach ------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Narrowing:
    condition: Q
    refusal: object  # said when a write would leave a record outside what the role sees


_NARROWINGS: dict[tuple[str, type[Model]], Narrowing] = {}


def narrow(roles: Iterable[str], model: type[Model], condition: Q, refusal) -> None:
    """Inside its reach, each of these roles sees only the records of `model` matching `condition`
    (on every surface, as all of them read through `scope`). `refusal` is the message when one of
    the roles' writes would put a record where they no longer see it."""
    for role in roles:
        _NARROWINGS[str(role), model] = Narrowing(condition, refusal)


def narrowed_roles(model: type[Model]) -> set[str]:
    return {role for role, of in _NARROWINGS if of is model}


def narrowing_of(user, model: type[Model]) -> Narrowing | None:
    return _NARROWINGS.get((str(getattr(user, "role", "")), model))


def reach_of(user) -> Reach:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOWHERE
    return user.reach


def scope(user, queryset: QuerySet, perm: str) -> QuerySet:
    """The part of a queryset the user may see with this permission (nothing without it)."""
    if not has_perm(user, perm):
        return queryset.none()
    condition = reach_q(reach_of(user), scope_of(queryset.model))
    if condition is None:
        return queryset.none()
    narrowing = narrowing_of(user, queryset.model)
    return queryset.filter(condition if narrowing is None else condition & narrowing.condition)


def reaches(user, record: Model, perm: str) -> bool:
    """Does the user see this (saved) record with this permission?"""
    return scope(user, type(record)._default_manager.filter(pk=record.pk), perm).exists()


def check_reaches(user, record: Model, perm: str) -> None:
    """After a write: refuse (Forbidden, so the transaction rolls back) a record that the write left
    outside what the user sees — a narrowed role may not write records it may not read. (The region
    is checked before the write, by `check`.)"""
    narrowing = narrowing_of(user, type(record))
    if narrowing is not None and not reaches(user, record, perm):
        raise Forbidden(narrowing.refusal)


def get_for_user(user, queryset: QuerySet, pk, perm: str):
    """One record, or 404 alike for "absent", "not yours" and "not allowed"."""
    try:
        return scope(user, queryset, perm).get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def covers(user, region_code: str) -> bool:
    """Is a region code inside the user's region? (Organisation users reach no region.)"""
    reach = reach_of(user)
    if reach.everything:
        return True
    return reach.region_prefix is not None and region_code.startswith(reach.region_prefix)


def can(user, perm: str, region_code: str) -> bool:
    """May the user do this to a record filed under this region?"""
    return has_perm(user, perm) and covers(user, region_code)


def check(user, perm: str, region_code: str) -> None:
    """Refuse (Forbidden) unless the user may do this in this region."""
    if not has_perm(user, perm):
        raise Forbidden(_("您的角色无权进行此操作"))
    if not covers(user, region_code):
        raise Forbidden(_("您无权在该区划进行此操作"))
