"""Preview, then commit: what a preview counts and lists, what a commit writes (through the
registry's bulk writes, with history and audit), the rows it refuses and the error workbook that
gives them back, re-imports, repeated rows, chunks written whole, resuming and cancelling."""

import datetime

import pytest
from openpyxl import load_workbook

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import valid_id
from bangfu.exchange.imports import engine, jobs
from bangfu.exchange.imports.tests.books import csv_bytes, xls, xlsx
from bangfu.exchange.models import ImportJob
from bangfu.registry import bulk
from bangfu.registry import choices as c
from bangfu.registry.models import EmploymentSpell, Household, Person

HEAD = valid_id(seq=311)
WIFE = valid_id(birth=datetime.date(1987, 6, 1), seq=322)
SON = valid_id(birth=datetime.date(2008, 9, 1), seq=333)
TITLES = [["（自定义）监测对象信息"], ["导出时间：2026-06-30"]]
HEADERS = ["县", "乡", "村", "户编号", "姓名", "证件号码", "与户主关系", "户类型", "监测对象类别", "文化程度",
           "在校生状况", "劳动技能", "家庭成员联系电话", "公益性岗位"]
DEFAULTS = ["从江县", "丙妹镇", "大塘村", "5226331010010007", "", "", "", "脱贫户", "", "初中", "非在校生",
            "普通劳动力", "13800138000", "否"]


def _row(name, number, relationship="户主", **changes):
    row = dict(zip(HEADERS, DEFAULTS, strict=True))
    row.update(姓名=name, 证件号码=number, 与户主关系=relationship, **changes)
    return [row[h] for h in HEADERS]


def _family(**son):
    return [_row("杨大山", HEAD), _row("吴秀英", WIFE, "配偶"), _row("杨小树", SON, "之子", **son)]


def _import(user, rows, *, dry_run=False, name="people.xlsx", titles=TITLES, headers=HEADERS):
    return jobs.import_files(user, [(name, xlsx([*titles, headers, *rows]))], dry_run=dry_run)


def _error_rows(job):
    book = load_workbook(jobs.errors_path(job))
    return [list(row) for sheet in book for row in sheet.iter_rows(values_only=True)]


def test_a_preview_counts_and_writes_nothing(world):
    job = _import(world.alice, _family(), dry_run=True)
    assert job.status == ImportJob.Status.PREVIEWED, job.error
    assert job.counts["preview"]["person"] == {"add": 3, "update": 0, "unchanged": 0, "rejected": 0}
    assert not Person.objects.filter(name="杨大山").exists()
    assert not Household.objects.filter(number="5226331010010007").exists()


def test_a_commit_adds_the_household_and_its_people_with_history_and_audit(world):
    job = _import(world.alice, _family())
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.counts["commit"]["person"] == {"add": 3, "update": 0, "unchanged": 0, "rejected": 0}
    household = Household.objects.get(number="5226331010010007")
    assert household.region_code == "522633101001"
    assert (household.member_count, household.head_name) == (3, "杨大山")  # counts refreshed
    head = Person.objects.get(name="杨大山")
    assert head.household == household and head.poverty_status == c.PovertyStatus.FORMERLY_POOR
    assert head.name_initials == "yds"
    row = head.history.get()
    assert (row.history_type, row.history_user) == ("+", world.alice)
    assert "导入" in row.history_change_reason and f"导入任务 {job.pk}" in row.history_change_reason
    entry = AuditEntry.objects.filter(action=Action.BULK, user=world.alice, detail__what="person").get()
    assert entry.detail["added"] == 3


def test_it_lists_each_changed_field_with_its_old_and_new_value(world):
    _import(world.alice, _family())
    job = _import(world.alice, _family(文化程度="高中", 劳动技能="弱劳动力或半劳动力"), dry_run=True)
    assert job.counts["preview"]["person"] == {"add": 0, "update": 1, "unchanged": 2, "rejected": 0}
    [change] = job.changes
    assert change["row"] == 6 and change["who"].startswith("杨小树")
    assert ["文化程度", "初中", "高中"] in change["changes"]
    assert ["劳动能力", "有劳动能力", "弱劳动能力"] in change["changes"]
    assert Person.objects.get(name="杨小树").education == c.Education.JUNIOR  # a preview writes nothing
    job = _import(world.alice, _family(文化程度="高中"))
    son = Person.objects.get(name="杨小树")
    assert son.education == c.Education.SENIOR and son.version == 2
    assert son.history.latest("history_id").history_type == "~"


def test_importing_the_same_file_twice_changes_nothing(world):
    _import(world.alice, _family())
    before = list(Person.objects.order_by("pk").values())
    history = Person.history.count()
    job = _import(world.alice, _family())
    assert job.counts["commit"]["person"] == {"add": 0, "update": 0, "unchanged": 3, "rejected": 0}
    assert list(Person.objects.order_by("pk").values()) == before
    assert Person.history.count() == history


def test_bad_rows_come_back_in_the_error_workbook_and_good_rows_land(world):
    rows = [
        *_family(),
        _row("数字号", 522633198503091234, "户主", 户编号="5226331010010008"),        # an ID stored as a number
        _row("错校验", HEAD[:17] + ("1" if HEAD[17] != "1" else "2"), 户编号="5226331010010009"),
        _row("怪关系", valid_id(seq=344), "表叔", 户编号="5226331010010010"),          # not in the vocabulary
        _row("外村人", valid_id(seq=355), 村="高屯村", 户编号="5226331010010011"),     # outside the region
        _row("", valid_id(seq=366), 户编号="5226331010010012"),                       # no name
    ]
    job = _import(world.alice, rows)
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.counts["commit"]["person"] == {"add": 3, "update": 0, "unchanged": 0, "rejected": 5}
    assert job.rejected == 5
    assert set(Person.objects.filter(name__in=["杨大山", "吴秀英", "杨小树"]).values_list("name", flat=True)) == {
        "杨大山", "吴秀英", "杨小树"}
    assert not Person.objects.filter(name__in=["数字号", "错校验", "怪关系", "外村人"]).exists()
    header, *refused = _error_rows(job)
    assert header == ["原行号", *HEADERS, "错误原因"]
    by_row = {row[0]: row for row in refused}
    assert set(by_row) == {7, 8, 9, 10, 11}
    assert by_row[7][HEADERS.index("姓名") + 1] == "数字号"          # the row as it was given
    assert "证件号码：" in by_row[7][-1] and "存成了数字" in by_row[7][-1]
    assert "证件号码：" in by_row[8][-1] and "校验" in by_row[8][-1]
    assert "与户主关系：" in by_row[9][-1] and "表叔" in by_row[9][-1]
    assert "村：" in by_row[10][-1]
    assert "姓名：" in by_row[11][-1]


def test_the_error_workbook_can_be_fixed_and_uploaded_again(world):
    job = _import(world.alice, [_row("怪关系", valid_id(seq=344), "表叔")])
    header, row = _error_rows(job)
    row[HEADERS.index("与户主关系") + 1] = "户主"
    fixed = jobs.import_files(world.alice, [("errors.xlsx", xlsx([header, row]))])
    assert fixed.counts["commit"]["person"]["add"] == 1, (fixed.counts, fixed.tables)
    assert Person.objects.filter(name="怪关系").exists()


def test_a_person_on_file_outside_the_users_region_is_refused_without_saying_who(world):
    number = valid_id("522631", seq=15)  # 王五, in bob's county
    job = _import(world.alice, [_row("王五", number)])
    assert job.counts["commit"]["person"]["rejected"] == 1
    [_header, row] = _error_rows(job)
    assert "管辖范围以外" in row[-1] and "王五" not in row[-1]
    assert Person.objects.get(name="王五").version == 1


def test_a_row_repeated_in_one_import_is_unchanged_when_equal_and_refused_when_not(world):
    job = _import(world.alice, [*_family(), _row("杨大山", HEAD), _row("杨大山", HEAD, 文化程度="小学")])
    assert job.counts["commit"]["person"] == {"add": 3, "update": 0, "unchanged": 1, "rejected": 1}
    [_header, row] = _error_rows(job)
    assert row[0] == 8 and "第 4 行" in row[-1]


def test_a_household_with_two_heads_is_imported_with_a_warning(world):
    job = _import(world.alice, [*_family(), _row("杨二山", valid_id(seq=377))])
    assert job.counts["commit"]["person"]["add"] == 4
    assert any("5226331010010007" in w and "2 个户主" in w for w in job.warnings)


def test_the_ledgers_village_follows_the_household_and_a_different_one_is_refused(world):
    _import(world.alice, _family())
    job = _import(world.alice, [_row("吴秀英", WIFE, "配偶", 村="岜沙村")])
    assert job.counts["commit"]["person"]["rejected"] == 1
    assert "所在村随家庭户" in _error_rows(job)[1][-1]


def test_a_public_welfare_post_starts_a_spell_and_the_status_follows_it(world):
    _import(world.alice, [_row("杨大山", HEAD, 公益性岗位="是")])
    head = Person.objects.get(name="杨大山")
    assert head.employment_status == c.EmploymentStatus.PUBLIC_WELFARE
    spell = EmploymentSpell.objects.get(person=head)
    assert (spell.channel, spell.source, spell.end_month) == (c.Channel.PUBLIC_WELFARE, c.SpellSource.IMPORT, None)


# --- chunks, resuming, cancelling ----------------------------------------------------------------

def _people(count):
    return [_row(f"村民{n}", valid_id(seq=400 + n), 户编号=f"52263310100180{n:02d}") for n in range(count)]


_real_import_people = bulk.import_people


def _failing_on(monkeypatch, call_number):
    calls = {"n": 0}
    real = bulk.import_people

    def import_people(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == call_number and kwargs.get("write"):
            raise RuntimeError("the worker died")
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "import_people", import_people)


def test_a_commit_started_after_the_preview_writes_every_chunk(world, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 4)
    job = _import(world.alice, _people(10), dry_run=True)
    jobs.start_commit(job)
    jobs.run_commit(job.pk)  # what the task worker runs
    job.refresh_from_db()
    assert (job.status, job.chunks_done) == (ImportJob.Status.DONE, 3)
    assert Person.objects.filter(name__startswith="村民").count() == 10
    with pytest.raises(jobs.ImportRefused):
        jobs.start_commit(job)


def test_a_failed_chunk_leaves_nothing_of_itself_and_the_resumed_commit_finishes(world, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 4)
    job = _import(world.alice, _people(10), dry_run=True)
    jobs.start_commit(job)
    _failing_on(monkeypatch, 2)
    with pytest.raises(RuntimeError):
        jobs.run_commit(job.pk)
    job.refresh_from_db()
    assert (job.status, job.chunks_done) == (ImportJob.Status.FAILED, 1)
    assert Person.objects.filter(name__startswith="村民").count() == 4  # the first chunk, whole
    assert job.counts["commit"]["person"]["add"] == 4
    monkeypatch.setattr(bulk, "import_people", _real_import_people)
    jobs.resume(job)
    jobs.run_commit(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert Person.objects.filter(name__startswith="村民").count() == 10
    assert job.counts["commit"]["person"] == {"add": 10, "update": 0, "unchanged": 0, "rejected": 0}


def test_a_cancelled_commit_stops_after_the_chunk_it_is_writing(world, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 4)
    job = _import(world.alice, _people(10), dry_run=True)
    real = bulk.import_people

    def import_people(user, rows, **kwargs):
        outcomes = real(user, rows, **kwargs)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CANCELLED)
        return outcomes

    monkeypatch.setattr(bulk, "import_people", import_people)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING)
    jobs.run_commit(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert Person.objects.filter(name__startswith="村民").count() == 4


KILLED_WORKER = """
import time
import django
django.setup()
from bangfu.exchange.imports import engine, jobs
from bangfu.registry import bulk

engine.CHUNK = 4
real = bulk.import_people

def slow(*args, **kwargs):
    outcomes = real(*args, **kwargs)
    time.sleep(0.5)  # inside the chunk's transaction, its rows written but not committed
    return outcomes

bulk.import_people = slow
jobs.run_commit({job})
"""


def test_a_commit_killed_midway_on_postgresql_leaves_no_half_chunk_and_resumes(transactional_db, world, settings,
                                                                               monkeypatch):
    import os
    import signal
    import subprocess
    import sys
    import time

    from django.db import connection

    from bangfu.conftest import TEST_FIELD_KEY

    if connection.vendor != "postgresql":
        pytest.skip("a second process needs the test database: PostgreSQL's, not SQLite's in-memory one")
    monkeypatch.setattr(engine, "CHUNK", 4)
    job = _import(world.alice, _people(10), dry_run=True)
    jobs.start_commit(job)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bangfu.settings", "BANGFU_DATABASE_URL": url,
           "BANGFU_FIELD_KEY": TEST_FIELD_KEY, "BANGFU_DATA_DIR": str(settings.DATA_DIR)}
    worker = subprocess.Popen([sys.executable, "-c", KILLED_WORKER.format(job=job.pk)], env=env)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while not ImportJob.objects.filter(pk=job.pk, chunks_done__gte=1).exists():
            assert worker.poll() is None and time.monotonic() < deadline, "the worker ended before its first chunk"
            time.sleep(0.05)
        time.sleep(0.2)  # well inside the second chunk's transaction
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(30)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTING and job.chunks_done in (1, 2)
    assert Person.objects.filter(name__startswith="村民").count() == 4 * job.chunks_done  # whole chunks only
    ImportJob.objects.filter(pk=job.pk).update(updated_at=job.updated_at - jobs.STALLED_AFTER * 2)
    jobs.resume(job)
    jobs.run_commit(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert Person.objects.filter(name__startswith="村民").count() == 10
    assert job.counts["commit"]["person"]["add"] == 10


@pytest.mark.parametrize("name, make", [
    ("people.csv", lambda rows: csv_bytes(rows, "gbk")),
    ("people.xls", xls),
])
def test_a_gbk_csv_and_an_old_xls_workbook_commit_like_an_xlsx(world, name, make):
    rows = [*TITLES, HEADERS, *_family(), _row("全角号", "５２２６３３" + valid_id(seq=388)[6:])]
    job = jobs.import_files(world.alice, [(name, make(rows))])
    assert job.counts["commit"]["person"] == {"add": 4, "update": 0, "unchanged": 0, "rejected": 0}, _error_rows(job)
    assert Person.objects.filter(name="全角号").exists()


def test_a_narrowed_role_cannot_import_people_it_may_not_see(world):
    # A 残联 officer edits disabled people only: an import of others fails whole, and says why.
    with pytest.raises(Exception) as refused:
        _import(world.dora, _family())
    job = ImportJob.objects.filter(user=world.dora).latest("pk")
    assert job.status == ImportJob.Status.FAILED and job.error == str(refused.value)
    assert not Person.objects.filter(name="杨大山").exists()


def test_the_planners_statistics_are_gathered_each_time_the_additions_double(world, monkeypatch):
    from bangfu.registry import services

    gathered = []
    monkeypatch.setattr(engine, "CHUNK", 2)
    monkeypatch.setattr(engine, "STATISTICS_FROM", 2)
    monkeypatch.setattr(services, "gather_statistics", lambda: gathered.append(
        Person.objects.filter(name__startswith="村民").count()))
    _import(world.alice, _people(10))
    assert gathered == [2, 4, 8]  # each row adds a household and its member: at 4, 8 and 16 additions


def test_an_unreadable_file_among_several_is_named(world):
    with pytest.raises(jobs.ImportRefused) as refused:
        jobs.open_job(world.alice, [("good.xlsx", xlsx([*TITLES, HEADERS, *_family()])),
                                    ("坏文件.csv", b"\xff\xfe\x00")])
    assert "坏文件.csv" in str(refused.value)
    assert not ImportJob.objects.exists()


HOUSEHOLD_HEADERS = ["县(市、区、旗)", "乡(镇)", "行政村", "户编号", "户主姓名", "户类型", "监测对象类别",
                     "是否易地扶贫搬迁", "安置点"]


def _households(*rows):
    return ("户信息.xlsx", xlsx([["（乡村建设）户信息"], [""], HOUSEHOLD_HEADERS, *rows]))


def test_a_household_row_updates_the_household_and_a_new_village_moves_its_members(world):
    _import(world.alice, _family())
    job = jobs.import_files(world.alice, [_households(
        ["从江县", "丙妹镇", "岜沙村", "5226331010010007", "杨大山", "监测户", "边缘易致贫户", "否", ""])])
    assert job.counts["commit"]["household"] == {"add": 0, "update": 1, "unchanged": 0, "rejected": 0}, job.counts
    [change] = job.changes
    assert ["所在村", "522633101001", "522633101002"] in change["changes"]
    household = Household.objects.get(number="5226331010010007")
    assert (household.region_code, household.poverty_status) == ("522633101002", c.PovertyStatus.MONITORED)
    assert set(Person.objects.filter(household=household).values_list("region_code", flat=True)) == {"522633101002"}
    assert household.history.latest("history_id").history_user == world.alice
    again = jobs.import_files(world.alice, [_households(
        ["从江县", "丙妹镇", "岜沙村", "5226331010010007", "杨大山", "监测户", "边缘易致贫户", "否", ""])])
    assert again.counts["commit"]["household"]["unchanged"] == 1


def test_counts_name_only_the_kinds_the_import_holds(world):
    job = _import(world.alice, _family())
    assert set(job.counts["commit"]) == {"person"}  # no empty 户信息 row on the result page


def test_hidden_and_total_rows_are_listed_in_the_error_workbook_with_what_they_were(world):
    rows = [*TITLES, HEADERS, *_family(), ["合计", "", "", "", "3"]]
    job = jobs.import_files(world.alice, [("people.xlsx", xlsx(rows, hidden_rows=[5]))])
    assert job.counts["commit"]["person"]["add"] == 2  # row 5 (吴秀英) is hidden
    by_row = {row[0]: row for row in _error_rows(job)[1:]}
    assert "隐藏行" in by_row[5][-1] and by_row[5][HEADERS.index("姓名") + 1] == "吴秀英"
    assert "合计" in by_row[7][-1]
