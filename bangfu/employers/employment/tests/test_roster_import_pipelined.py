"""A roster commit on PostgreSQL writes each chunk in the writer's thread while the next chunk is
checked: the same counts, records, employments and history as checking and writing each chunk in
turn, a chunk that starts employments written before the next is checked, and the month replaced
at the end."""

import pytest
from django.db import connection

from bangfu.employers.employment.tests.test_roster_import_replace import APRIL, HEADERS, MAY, book, line, months_of
from bangfu.employers.models import Employment, MonthlyRecord, RosterSubmission
from bangfu.exchange.imports import engine, jobs
from bangfu.exchange.models import ImportJob


@pytest.fixture
def pipelined(transactional_db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("chunks are written beside the reading on PostgreSQL only")
    monkeypatch.setattr(engine, "CHUNK", 2)
    submitted, waited = [], []
    real_submit, real_wait = engine._Writer.submit, engine._Writer.wait

    def submit(self, *args):
        submitted.append(args[2])  # (_commit, job id, chunk number, …)
        return real_submit(self, *args)

    def wait(self):
        waited.append(self.pending is not None)
        return real_wait(self)

    monkeypatch.setattr(engine._Writer, "submit", submit)
    monkeypatch.setattr(engine._Writer, "wait", wait)
    return submitted, waited


def run(user, tmp_path, rows, name):
    return jobs.import_files(user, [(name, book(tmp_path, rows, name))])


@pytest.mark.parametrize("beside", [True, False])
def test_it_writes_beside_the_check_as_writing_in_turn_does(world, shop, workers, tmp_path, pipelined, monkeypatch,
                                                          beside):
    submitted, waited = pipelined
    monkeypatch.setattr(engine, "PIPELINED", beside)
    first = [line(w) for w in workers] + [line(w, "2024年05月") for w in workers]   # starts five employments
    second = [line(w, pay=2100) for w in workers[:4]] + [line(w, "2024年05月") for w in workers[1:]]
    jobs_done = [run(world.ed, tmp_path, first, "一.xlsx"), run(world.ed, tmp_path, second, "二.xlsx")]
    assert all(job.status == ImportJob.Status.DONE for job in jobs_done), [job.error for job in jobs_done]
    if beside:
        assert submitted == [0, 1, 2, 3, 4, 0, 1, 2, 3]  # five chunks, then four (the finish: in turn)
        assert any(waited)  # a chunk that started employments was written before the next was checked
    else:
        assert submitted == []
    assert [job.counts["commit"]["roster"] for job in jobs_done] == [
        {"add": 10, "update": 0, "unchanged": 0, "rejected": 0, "remove": 0},
        {"add": 0, "update": 4, "unchanged": 4, "rejected": 0, "remove": 2}]
    assert Employment.objects.count() == 5
    assert months_of() == {"赵一", "钱二", "孙三", "周四"}
    assert set(MonthlyRecord.objects.filter(month=APRIL).values_list("pay", flat=True)) == {2100}
    assert months_of(month=MAY) == {"钱二", "孙三", "周四", "吴五"}
    kinds = list(MonthlyRecord.history.values_list("history_type", flat=True))
    assert (kinds.count("+"), kinds.count("~"), kinds.count("-")) == (10, 4, 2)
    assert MonthlyRecord.history.filter(history_user=world.ed, history_change_reason__contains="导入任务").count() == 16
    # One submission per import and month, whichever chunks wrote it, with the finish's removals.
    assert sorted(RosterSubmission.objects.values_list("month", "added", "updated", "unchanged", "removed")) == [
        (APRIL, 0, 4, 0, 1), (APRIL, 5, 0, 0, 0), (MAY, 0, 0, 4, 1), (MAY, 5, 0, 0, 0)]


def test_a_person_given_with_and_without_the_credit_code_is_one_row(world, shop, workers, tmp_path, pipelined):
    employer, _workshop = shop
    rows = [[*line(w), ""] for w in workers[:3]] + [[*line(workers[0]), employer.credit_code.lower()]]
    path = book(tmp_path, rows, "x.xlsx", headers=[*HEADERS, "统一社会信用代码"])
    job = jobs.import_files(world.ed, [("x.xlsx", path)])
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.counts["commit"]["roster"]["unchanged"] == 1 and MonthlyRecord.objects.count() == 3


def test_a_chunk_starting_employments_is_written_before_the_next_chunk_is_checked(world, shop, workers, tmp_path,
                                                                                 pipelined):
    _submitted, waited = pipelined
    # Chunks of two: each new person's April starts their employment, and their May (in the same
    # chunk, or the next) falls in it: one employment each, whichever chunk holds the month.
    rows = [line(workers[0]), line(workers[1]), line(workers[0], "2024年05月"), line(workers[1], "2024年05月"),
            line(workers[2]), line(workers[2], "2024年05月")]
    job = run(world.ed, tmp_path, rows, "新.xlsx")
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.counts["commit"]["roster"]["add"] == 6
    assert sorted(Employment.objects.values_list("person__name", flat=True)) == ["孙三", "赵一", "钱二"]
    assert MonthlyRecord.objects.count() == 6
