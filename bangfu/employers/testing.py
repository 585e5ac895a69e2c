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


# --- employment (employment/): an employment of a person of the village at an employer there ------

def make_employment(creator, village: str, tag: str, *, disabled: bool = True, **fields):
    """An open employment (job title = tag) of a new person of the village at a new employer there.
    The person is disabled by default, so that the federation's narrowing keeps it in view."""
    import datetime

    from bangfu.employers.employment.actions import do_start_employment
    from bangfu.registry.testing import make_disabled_person, make_person

    # Neither the person nor the employer carries the tag: other lists show them (the employer filter).
    number = next(_sequence)
    person = (make_disabled_person if disabled else make_person)(creator, village, f"用工人员{number}")
    employer = make_employer(creator, village, f"用人单位{number}")
    data = {"person": person, "start_date": datetime.date(2024, 1, 1), "job_title": tag, **fields}
    return do_start_employment(creator, employer, data)


def make_monthly_record(creator, village: str, tag: str, *, disabled: bool = True):
    import datetime

    from bangfu.employers.employment.actions import do_submit_roster

    employment = make_employment(creator, village, tag, disabled=disabled)
    do_submit_roster(creator, employment.employer, None, datetime.date(2024, 3, 1),
                     [{"employment": str(employment.pk), "days_worked": 20, "pay": "2600"}])
    return employment.months.get()


def make_roster_submission(creator, village: str, tag: str):
    import datetime

    from bangfu.employers.employment.actions import do_submit_roster

    employer = make_employer(creator, village, tag)
    return do_submit_roster(creator, employer, None, datetime.date(2024, 3, 1), []).submission


def _employment_factories():
    from bangfu.employers.models import Employment, MonthlyRecord, RosterSubmission

    FACTORIES.update({Employment: make_employment, MonthlyRecord: make_monthly_record,
                      RosterSubmission: make_roster_submission})
    NARROWED_OUT.update({
        Employment: lambda creator, village, tag: make_employment(creator, village, tag, disabled=False),
        MonthlyRecord: lambda creator, village, tag: make_monthly_record(creator, village, tag, disabled=False)})


_employment_factories()
