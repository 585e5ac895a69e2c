import datetime

import pytest
from django.utils import timezone

from bangfu.audit.models import AuditEntry
from bangfu.conftest import valid_id
from bangfu.core.permissions import Forbidden
from bangfu.employers.employment import actions, services
from bangfu.employers.employment.tests.conftest import MONTH
from bangfu.employers.models import Employment, MonthlyRecord, RosterSubmission
from bangfu.employers.testing import make_employer
from bangfu.registry.models import Person

ZHANG = valid_id("522633", datetime.date(1985, 3, 9), 11)


def rows_of(workers, days=20, pay="2600.00"):
    return [{"id_number": number, "name": person.name, "days_worked": days, "pay": pay, "insurance": "15"}
            for person, number in workers]


def submit(user, employer, rows, month=MONTH, workshop=None):
    return actions.do_submit_roster(user, employer, workshop, month, rows)


def history_rows() -> int:
    return MonthlyRecord.history.count() + Employment.history.count()


def test_it_starts_employments_from_the_months_first_day_and_records_the_month(world, shop, workers):
    employer, _workshop = shop
    result = submit(world.ed, employer, rows_of(workers))
    assert (result.count("add"), result.started, result.removed) == (5, 5, 0)
    employment = Employment.objects.get(person=workers[0][0])
    assert employment.start_date == MONTH and employment.spell is not None
    assert Person.objects.get(pk=workers[0][0].pk).employment_status == "in_county"
    submission = RosterSubmission.objects.get()
    assert (submission.added, submission.source, submission.submitted_by) == (5, "form", world.ed)
    assert AuditEntry.objects.filter(action="bulk").count() == 1


def test_resubmitting_the_same_roster_changes_nothing_and_writes_no_history(world, shop, workers):
    employer, _workshop = shop
    submit(world.ed, employer, rows_of(workers))
    before = history_rows()
    result = submit(world.ed, employer, rows_of(workers))
    assert (result.count("unchanged"), result.count("add"), result.count("update"), result.removed) == (5, 0, 0, 0)
    assert history_rows() == before


def test_a_changed_roster_replaces_the_month_with_history(world, shop, workers):
    employer, _workshop = shop
    submit(world.ed, employer, rows_of(workers))
    changed = rows_of(workers[:3])
    changed[0]["pay"] = "3000"
    result = submit(world.ed, employer, changed)
    assert (result.count("update"), result.count("unchanged"), result.removed) == (1, 2, 2)
    assert MonthlyRecord.objects.filter(month=MONTH).count() == 3
    assert MonthlyRecord.objects.get(employment__person=workers[0][0]).pay == 3000
    kinds = sorted(MonthlyRecord.history.filter(history_date__isnull=False).values_list("history_type", flat=True))
    assert kinds.count("-") == 2 and kinds.count("~") == 1
    # The other months are not touched.
    submit(world.ed, employer, rows_of(workers), month=datetime.date(2024, 4, 1))
    assert MonthlyRecord.objects.filter(month=MONTH).count() == 3


def test_a_resubmitted_month_keeps_the_record_of_a_person_whose_row_is_refused(world, shop, workers):
    employer, _workshop = shop
    submit(world.ed, employer, rows_of(workers))
    rows = rows_of(workers[:3])
    rows[1]["days_worked"] = 40                  # refused: the person is named all the same
    rows[2]["name"] = "某某"                      # refused: the number's holder keeps their record
    result = submit(world.ed, employer, rows)
    assert (result.count("unchanged"), len(result.refused), result.removed) == (1, 2, 2)
    assert set(MonthlyRecord.objects.filter(month=MONTH).values_list("employment__person__name", flat=True)) == {
        "赵一", "钱二", "孙三"}


@pytest.mark.parametrize(("change", "field"), [
    ({"id_number": "522633198503091234"}, "id_number"),                       # wrong check digit
    ({"id_number": valid_id("522633", datetime.date(1990, 1, 1), 77)}, "id_number"),  # nobody holds it
    ({"name": "张三"}, "id_number"),                                           # name does not match
    ({"days_worked": -1}, "days_worked"),
    ({"days_worked": 32}, "days_worked"),
    ({"days_worked": "sNaN"}, "days_worked"),                                 # no number (it raised before)
    ({"pay": "-5"}, "pay"),
    ({"pay": "5000000"}, "pay"),
    ({"insurance": "-1"}, "insurance"),
])
def test_a_bad_row_is_refused_naming_its_field_and_the_good_rows_land(world, shop, workers, change, field):
    employer, _workshop = shop
    rows = rows_of(workers)
    rows[2].update(change)
    result = submit(world.ed, employer, rows)
    [refused] = result.refused
    assert refused.row == 3 and field in refused.errors
    assert result.count("add") == 4
    assert RosterSubmission.objects.get().refusals[0]["row"] == 3


def test_days_above_the_days_of_that_month_are_refused(world, shop, workers):
    employer, _workshop = shop
    rows = rows_of(workers[:1], days=30)
    result = submit(world.ed, employer, rows, month=datetime.date(2023, 2, 1))
    assert "days_worked" in result.refused[0].errors
    assert submit(world.ed, employer, rows_of(workers[:1], days=28), month=datetime.date(2023, 2, 1)).count("add") == 1


def test_the_same_person_twice_refuses_both_rows(world, shop, workers):
    employer, _workshop = shop
    rows = rows_of(workers[:2]) + rows_of(workers[:1], days=3)
    result = submit(world.ed, employer, rows)
    assert sorted(o.row for o in result.refused) == [1, 3]
    assert result.count("add") == 1


def test_a_month_in_the_future_is_refused_whole(world, shop, workers):
    from django.core.exceptions import ValidationError

    employer, _workshop = shop
    future = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    with pytest.raises(ValidationError):
        submit(world.ed, employer, rows_of(workers), month=future)


def test_a_month_before_the_employment_started_is_refused(world, shop, workers):
    employer, _workshop = shop
    person, number = workers[0]
    actions.do_start_employment(world.ed, employer, {"id_number": number, "name": person.name,
                                                     "start_date": datetime.date(2024, 5, 1)})
    result = submit(world.ed, employer, rows_of(workers[:1]), month=MONTH)
    assert "month" in result.refused[0].errors


def test_an_employment_of_another_employer_is_refused(world, shop, workers):
    employer, _workshop = shop
    other = make_employer(world.alice, "522633101001", "别家")
    person, number = workers[0]
    theirs = actions.do_start_employment(world.alice, other, {"id_number": number, "name": person.name,
                                                              "start_date": datetime.date(2024, 1, 1)})
    result = submit(world.ed, employer, [{"employment": str(theirs.pk), "days_worked": 3, "pay": "100"}])
    assert "employment" in result.refused[0].errors


def test_an_operator_submits_only_for_its_own_employer(world, shop, workers):
    employer, _workshop = shop
    other = make_employer(world.alice, "522633101001", "别家")
    with pytest.raises(Forbidden):
        submit(world.ed, other, rows_of(workers))
    assert submit(world.ed, employer, rows_of(workers)).count("add") == 5


def test_a_workshop_roster_replaces_only_that_workshops_month(world, shop, workers):
    employer, workshop = shop
    submit(world.ed, employer, rows_of(workers[:2]))
    submit(world.ed, employer, rows_of(workers[2:4]), workshop=workshop)
    result = submit(world.ed, employer, rows_of(workers[2:3]), workshop=workshop)
    assert result.removed == 1
    assert MonthlyRecord.objects.filter(month=MONTH).count() == 3
    assert Employment.objects.get(person=workers[2][0]).workshop == workshop


def test_the_yearly_figures_count_months_with_days_and_sum_the_pay(world, shop, workers):
    employer, _workshop = shop
    for month, days in ((1, 20), (2, 0), (3, 18)):
        submit(world.ed, employer, rows_of(workers[:1], days=days, pay="1000"), month=datetime.date(2024, month, 1))
    employment = Employment.objects.get(person=workers[0][0])
    assert services.employment_years(employment) == [{"year": 2024, "months": 2, "pay": 3000, "days": 38}]


def _left_and_came_back(world, employer, worker):
    """The worker left in mid-April and came back a week later: a record on each employment."""
    person, number = worker
    before = actions.do_start_employment(world.ed, employer, {"id_number": number, "name": person.name,
                                                              "start_date": datetime.date(2024, 3, 1)})
    actions.do_end_employment(world.ed, before, datetime.date(2024, 4, 10))
    after = actions.do_start_employment(world.ed, employer, {"id_number": number, "name": person.name,
                                                             "start_date": datetime.date(2024, 4, 20)})
    for employment, days in ((before, 8), (after, 9)):
        MonthlyRecord.objects.create(employment=employment, month=datetime.date(2024, 4, 1), days_worked=days,
                                     pay=900)
    return before, after


def test_a_resubmitted_month_keeps_a_persons_record_on_the_employment_their_row_falls_in(world, shop, workers):
    employer, _workshop = shop
    before, after = _left_and_came_back(world, employer, workers[0])
    result = submit(world.ed, employer, rows_of(workers[:1], days=17, pay="1800"), month=datetime.date(2024, 4, 1))
    assert (result.count("update"), result.removed) == (1, 1)
    assert list(MonthlyRecord.objects.values_list("employment", "days_worked")) == [(after.pk, 17)]


def test_a_refused_row_keeps_every_record_of_its_person(world, shop, workers):
    employer, _workshop = shop
    _left_and_came_back(world, employer, workers[0])
    result = submit(world.ed, employer, rows_of(workers[:1], days=40), month=datetime.date(2024, 4, 1))
    assert (len(result.refused), result.removed) == (1, 0)
    assert MonthlyRecord.objects.count() == 2
