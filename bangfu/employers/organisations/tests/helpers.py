"""Makers for this part's tests: quota rules entered as an administrator would, employers bound."""

import datetime

from bangfu.employers.models import EmployerOperator, Employment
from bangfu.employers.organisations import actions

# A rule shaped like the national one (财税〔2019〕98号 and the 2018 cap), in figures chosen for the tests.
RULE = {"region_prefix": "52", "year": 2025, "ratio": "0.015", "local_average_wage": 100_000,
        "wage_cap_multiple": "2", "exempt_up_to_staff": 30, "reduced_from_ratio": "0.01",
        "share_from_reduced": "0.5", "share_below_reduced": "0.9", "note": "测试依据〔2025〕1号"}


def make_rule(user, **fields):
    return actions.do_create_quota_rule(user, {**RULE, **fields})


def bind(operator, employer, by):
    binding = EmployerOperator.objects.create(user=operator, employer=employer, bound_by=by)
    operator.__dict__.pop("_organisation", None)
    operator.__dict__.pop("reach", None)
    return binding


def employ(person, employer, *, start=datetime.date(2024, 1, 1), end=None):
    return Employment.objects.create(person=person, employer=employer, region_code=employer.region_code,
                                     start_date=start, end_date=end)
