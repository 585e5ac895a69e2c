"""Test support: one record of each scoped employer-side model, for the generated scope-matrix test
(see bangfu/registry/testing.py), and the makers other tests build on."""

import itertools

from bangfu.employers import uscc
from bangfu.employers.models import Employer
from bangfu.employers.organisations import actions

_sequence = itertools.count(1)


def credit_code(region6: str = "522633") -> str:
    """A valid unified social credit code, new at each call."""
    number = next(_sequence)
    return uscc.build("9", "1", region6, f"MA{number:06d}")


def make_employer(creator, village: str, tag: str, **fields) -> Employer:
    data = {"name": tag, "kind": "enterprise", "credit_code": credit_code(village[:6]), "region_code": village,
            "staff_count": 40, "disabled_staff_count": 0, **fields}
    return actions.do_create_employer(creator, data)


FACTORIES: dict = {}
NARROWED_OUT: dict = {}

FACTORIES[Employer] = make_employer
