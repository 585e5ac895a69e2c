"""Test data of the workshops part: criteria loaded for the test world's province, workers with months."""

import datetime
import itertools
from decimal import Decimal

from bangfu.employers.models import Employment, MonthlyRecord
from bangfu.employers.workshops import criteria as cr
from bangfu.registry.testing import make_person

GUANGXI = cr.GUANGXI_2022
VILLAGE = "522633101001"
_names = itertools.count(1)


def load_guangxi(user, region: str = "52"):
    """Guangxi's 2022 criteria, loaded for the test world's province (贵州 52)."""
    return cr.load_criteria(user, cr.read_file(GUANGXI), region=region)


def worker(creator, workshop, months, *, poverty="tuopin", days=20, pay=2000, insurance=15, agreement_months=12,
           person=None, start=None):
    """A person employed at the workshop with a monthly record for each month (first days)."""
    extra = {"monitoring_category": "unstable"} if poverty == "monitored" else {}
    person = person or make_person(creator, VILLAGE, f"工人{next(_names)}", poverty_status=poverty, **extra)
    employment = Employment.objects.create(
        person=person, employer=workshop.employer, workshop=workshop, region_code=workshop.region_code,
        start_date=start or months[0], agreement_months=agreement_months)
    MonthlyRecord.objects.bulk_create(MonthlyRecord(employment=employment, month=month, days_worked=days,
                                                    pay=Decimal(pay), insurance=Decimal(insurance))
                                      for month in months)
    return person


def quarter_months(year: int, quarter: int) -> list[datetime.date]:
    return [datetime.date(year, (quarter - 1) * 3 + i, 1) for i in (1, 2, 3)]
