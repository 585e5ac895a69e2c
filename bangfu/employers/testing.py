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


# --- the workshops part ---------------------------------------------------------------------------

def make_workshop(creator, village: str, tag: str, *, employer=None, **fields):
    """A workshop applied for (through the real action) by an employer of the village."""
    from bangfu.employers.workshops import lifecycle

    employer = employer or make_employer(creator, village, f"{tag}的单位")
    data = {"name": tag, "kind": "factory", "site": "poor_village", "region_code": village, **fields}
    return lifecycle.do_apply_workshop(creator, employer, data)


def make_workshop_event(creator, village: str, tag: str):
    from bangfu.employers.workshops import lifecycle

    return lifecycle.do_comment_workshop(creator, make_workshop(creator, village, "车间"), tag)


def make_workshop_report(creator, village: str, tag: str):
    from bangfu.employers.workshops import actions

    return actions.do_record_workshop_report(creator, make_workshop(creator, village, "车间"),
                                             {"year": 2024, "revenue": 600000, "note": tag})


def _workshop_factories():
    from bangfu.employers.models import Workshop, WorkshopEvent, WorkshopReport

    return {Workshop: make_workshop, WorkshopEvent: make_workshop_event, WorkshopReport: make_workshop_report}


FACTORIES.update(_workshop_factories())
