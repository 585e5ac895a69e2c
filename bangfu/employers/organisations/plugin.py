"""Employers' own registrations: their scope (a region's officers, and the organisation's operators)."""

from bangfu.core.permissions import Scope, register_scope
from bangfu.employers.models import Employer


def register() -> None:
    register_scope(Employer, Scope(region="region_code", organisation="pk"))
