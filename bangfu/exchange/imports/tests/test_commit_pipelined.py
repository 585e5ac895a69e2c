"""A commit on PostgreSQL writes each chunk of people in a thread of its own while the next chunk is
read and checked: the same rows, counts, households, history and audit as checking and writing
each chunk in turn, households that span chunks included, and a failed chunk still leaves whole
chunks only."""

import datetime

import pytest
from django.db import connection

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import valid_id
from bangfu.exchange.imports import engine, jobs
from bangfu.exchange.imports.tests.books import xlsx
from bangfu.exchange.models import ImportJob
from bangfu.registry import bulk, services
from bangfu.registry.models import Household, Person

TITLES = [["（自定义）监测对象信息"], ["导出时间：2026-06-30"]]
HEADERS = ["县", "乡", "村", "户编号", "姓名", "证件号码", "与户主关系", "户类型", "在校生状况", "劳动技能",
           "家庭成员联系电话", "公益性岗位"]
RELATIONSHIPS = ["户主", "配偶", "之子"]
FIGURES = ("member_count", "labour_count", "employed_count", "zero_employment", "head_name", "head_pinyin",
           "head_initials")


@pytest.fixture
def pipelined(transactional_db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("chunks are written beside the reading on PostgreSQL only")
    monkeypatch.setattr(engine, "CHUNK", 4)
    submitted = []
    real = engine._Writer.submit

    def submit(self, *args):
        submitted.append(args[2])  # (_commit, job id, chunk number, …)
        return real(self, *args)

    monkeypatch.setattr(engine._Writer, "submit", submit)
    return submitted


def _rows(households=3):
    """Households of three (head, spouse, child) in a row: with chunks of 4, the second and third
    households each span two chunks. The second household's head works on a public-welfare post."""
    rows = []
    for h in range(households):
        for m, relationship in enumerate(RELATIONSHIPS):
            birth = datetime.date(1970 + 5 * m + h, 3, 1) if m < 2 else datetime.date(2015, 1, 1)
            rows.append(["从江县", "丙妹镇", "大塘村", f"52263310100190{h:02d}", f"吴{'甲乙丙'[h]}{'大中小'[m]}",
                         valid_id(birth=birth, seq=500 + 10 * h + m), relationship, "脱贫户",
                         "在校生" if m == 2 else "非在校生", "普通劳动力" if m < 2 else "无劳动力", "13800138000",
                         "是" if (h, m) == (1, 0) else "否"])
    return rows


def _import(user, rows):
    return jobs.import_files(user, [("people.xlsx", xlsx([*TITLES, HEADERS, *rows]))])


def test_it_writes_every_chunk_beside_the_reading_with_history_and_one_audit_entry_each(world, pipelined):
    job = _import(world.alice, _rows())
    assert job.status == ImportJob.Status.DONE, job.error
    assert pipelined == [0, 1, 2]
    assert (job.chunks_done, job.counts["commit"]["person"]["add"]) == (3, 9)
    people = Person.objects.filter(name__startswith="吴")
    assert people.count() == 9
    assert Household.objects.filter(number__startswith="52263310100190").count() == 3  # none added twice
    for person in people:
        [row] = person.history.all()
        assert (row.history_type, row.history_user_id) == ("+", world.alice.pk)
        assert f"导入任务 {job.pk}" in row.history_change_reason
    entries = AuditEntry.objects.filter(action=Action.BULK, detail__what="person")
    assert sorted(e.detail["added"] for e in entries) == [1, 4, 4]


def test_households_spanning_chunks_are_counted_as_the_database_counts_them(world, pipelined):
    _import(world.alice, _rows())
    households = Household.objects.filter(number__startswith="52263310100190").order_by("number")
    imported = list(households.values(*FIGURES))
    services.refresh_households(households)
    assert list(households.values(*FIGURES)) == imported
    assert [h["member_count"] for h in imported] == [3, 3, 3]
    assert [h["head_name"] for h in imported] == ["吴甲大", "吴乙大", "吴丙大"]
    assert [h["employed_count"] for h in imported] == [0, 1, 0]


def test_the_same_file_again_changes_nothing(world, pipelined):
    _import(world.alice, _rows())
    again = _import(world.alice, _rows())
    assert again.counts["commit"]["person"] == {"add": 0, "update": 0, "unchanged": 9, "rejected": 0}
    assert Person.objects.filter(name__startswith="吴").count() == 9


def test_it_counts_what_writing_each_chunk_in_turn_counts(world, pipelined, monkeypatch):
    rows = _rows()
    rows[4][5] = rows[4][5][:-1] + ("0" if rows[4][5][-1] != "0" else "1")  # a wrong check digit
    rows.append(rows[0])  # said twice, the same
    piped = _import(world.alice, rows)
    Person.objects.filter(name__startswith="吴").delete()
    Household.objects.filter(number__startswith="52263310100190").delete()
    monkeypatch.setattr(engine, "PIPELINED", False)
    in_turn = _import(world.alice, rows)
    assert piped.counts["commit"] == in_turn.counts["commit"]
    assert piped.counts["commit"]["person"] == {"add": 8, "update": 0, "unchanged": 1, "rejected": 1}
    assert piped.rejected == in_turn.rejected == 1


def test_a_chunk_that_fails_in_the_writer_leaves_whole_chunks_and_the_resumed_commit_finishes(world, pipelined,
                                                                                            monkeypatch):
    real = bulk.import_people
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "import_people", failing)
    with pytest.raises(RuntimeError):
        _import(world.alice, _rows())
    job = ImportJob.objects.get()
    assert (job.status, job.chunks_done) == (ImportJob.Status.FAILED, 1)
    assert Person.objects.filter(name__startswith="吴").count() == 4
    monkeypatch.setattr(bulk, "import_people", real)
    jobs.resume(job)
    jobs.run_commit(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.counts["commit"]["person"]["add"] == 9
    assert Household.objects.filter(number__startswith="52263310100190").count() == 3
    households = Household.objects.filter(number__startswith="52263310100190")
    assert sorted(households.values_list("member_count", flat=True)) == [3, 3, 3]


def test_the_planners_statistics_are_gathered_by_the_writer_as_the_additions_double(world, pipelined, monkeypatch):
    import threading

    monkeypatch.setattr(engine, "STATISTICS_FROM", 4)
    gathered = []
    monkeypatch.setattr(services, "gather_statistics", lambda: gathered.append(
        (threading.current_thread().name.startswith("import-writer"),
         Person.objects.filter(name__startswith="吴").count())))
    _import(world.alice, _rows())
    assert gathered == [(True, 4), (True, 8)]  # after the chunk that reached 4, then 8, was committed
