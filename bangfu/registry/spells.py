"""Scoped reads of job spells (the spells themselves: models.EmploymentSpell; their rules:
validation.clean_spell; their writes: actions.do_*_spell)."""

from django.db.models import QuerySet

from bangfu.core.permissions import get_for_user, scope
from bangfu.registry.models import EmploymentSpell, Person
from bangfu.registry.permissions import Perm


def spells_for_user(user, perm: str = Perm.VIEW_LEDGER) -> QuerySet[EmploymentSpell]:
    return scope(user, EmploymentSpell.objects.all(), perm)


def spells_of_person(user, person: Person, perm: str = Perm.VIEW_LEDGER) -> QuerySet[EmploymentSpell]:
    """The person's spells, newest first (the person was fetched through the user's scope)."""
    return spells_for_user(user, perm).filter(person=person).order_by("-start_month", "-id")


def get_spell_for_user(user, person: Person | None, pk, perm: str = Perm.VIEW_LEDGER) -> EmploymentSpell:
    """One spell (of the person, when given), or 404 alike for "absent", "another person's" and
    "not yours"."""
    spells = EmploymentSpell.objects.select_related("person")
    return get_for_user(user, spells.filter(person=person) if person is not None else spells, pk, perm)
