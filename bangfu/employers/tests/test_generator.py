import calendar
import datetime

import pytest
from django.db import transaction
from django.db.models import Count, Min

from bangfu.employers import uscc
from bangfu.employers.choices import WorkshopKind, WorkshopStatus
from bangfu.employers.generator import CountyHasEmployers, generate_employers
from bangfu.employers.models import Employer, Employment, MonthlyRecord, Workshop
from bangfu.registry.generator import generate_county
from bangfu.registry.models import Person

COUNTY = "522633"
TODAY = datetime.date(2026, 11, 10)


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """One generated county for the module, in a transaction rolled back after its last test."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            generate_county(COUNTY, 6000, seed=3, today=TODAY)
            yield generate_employers(COUNTY, seed=3, today=TODAY)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_it_makes_what_it_reports_with_every_status_and_kind(county, db):
    assert Workshop.objects.count() == county.workshops >= 11
    assert Employment.objects.count() == county.employments > 0
    assert MonthlyRecord.objects.count() == county.monthly_records > county.employments
    assert set(Workshop.objects.values_list("status", flat=True)) == set(WorkshopStatus.values)
    assert set(Workshop.objects.values_list("kind", flat=True)) == set(WorkshopKind.values)


def test_every_employee_is_a_ledger_worker_whose_open_spell_names_the_workplace(county, db):
    for employment in Employment.objects.select_related("spell", "person", "workshop", "employer"):
        workplace = employment.workshop.name if employment.workshop else employment.employer.name
        assert employment.spell.end_month is None
        assert employment.spell.person_id == employment.person_id
        assert employment.spell.employer_name == employment.person.employer_name == workplace
        assert employment.person.employment_status == "in_county"
        assert employment.start_date == employment.spell.start_month


def test_monthly_records_fit_their_month_and_the_year_before_this_month(county, db):
    for record in MonthlyRecord.objects.select_related("employment"):
        assert record.month.day == 1
        assert datetime.date(2025, 11, 1) <= record.month <= datetime.date(2026, 10, 1)
        assert record.month >= record.employment.start_date.replace(day=1)
        assert 0 < record.days_worked <= calendar.monthrange(record.month.year, record.month.month)[1]
        assert record.pay > 0


def test_workshops_started_before_their_first_worker_and_certified_ones_carry_certificates(county, db):
    first = dict(Employment.objects.values("workshop").annotate(first=Min("start_date"))
                 .values_list("workshop", "first"))
    for workshop in Workshop.objects.all():
        assert workshop.start_date <= first[workshop.pk]
        certified = workshop.status in {"running", "pending", "clearing", "revoked", "upgraded"}
        assert bool(workshop.certificate_number) == certified == (workshop.certified_on is not None)


def test_credit_codes_are_valid_and_one_employer_runs_two_workshops(county, db):
    for code in Employer.objects.values_list("credit_code", flat=True):
        assert uscc.validate(code) == code
    assert Employer.objects.annotate(n=Count("workshops")).filter(n__gte=2).exists()


def test_disabled_staff_count_the_disabled_workers_of_a_workshop_employer(county, db):
    for employer in Employer.objects.filter(workshops__isnull=False).distinct():
        if employer.workshops.count() == 1:
            disabled = Person.objects.filter(employments__employer=employer,
                                             disability_category__isnull=False).count()
            assert employer.disabled_staff_count == disabled


def test_it_refuses_a_county_that_has_employers(county, db):
    with pytest.raises(CountyHasEmployers):
        generate_employers(COUNTY, seed=3, today=TODAY)
