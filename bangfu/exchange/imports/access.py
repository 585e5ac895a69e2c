"""Who may import what: officers who edit the ledger import its kinds; whoever submits rosters
(an employer's operator, the officers) imports 月度用工花名册. An operator imports nothing else."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from bangfu.core.permissions import Forbidden, has_perm, reach_of
from bangfu.employers.permissions import Perm as EmployerPerm
from bangfu.exchange.imports.kinds import KINDS, Kind
from bangfu.registry.permissions import Perm

ROSTER_KINDS = ("roster",)


def kinds_for(user) -> list[Kind]:
    ledger = has_perm(user, Perm.EDIT_LEDGER)
    rosters = has_perm(user, EmployerPerm.SUBMIT_ROSTER)
    return [kind for name, kind in KINDS.items() if (rosters if name in ROSTER_KINDS else ledger)]


def kind_names(user) -> set[str]:
    return {kind.name for kind in kinds_for(user)}


def require_import(user) -> None:
    if not kinds_for(user):
        raise Forbidden(_("您的角色无权进行此操作"))


def only_kind(user) -> str:
    """The one kind a user may import, when there is only one ("" otherwise)."""
    names = kind_names(user)
    return next(iter(names)) if len(names) == 1 else ""


def organisation_only(user) -> bool:
    """An organisation's operator: no region of its own (its imports place nothing, run no checks)."""
    reach = reach_of(user)
    return not reach.everything and reach.region_prefix is None and reach.organisation_id is not None


def requires_import(view):
    """A page of the imports: logged in, and allowed at least one kind."""
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require_import(request.user)
        return view(request, *args, **kwargs)

    return wrapped
