"""An imported roster replaces each month it holds, as a submission of the month does: the records
of people the file does not name are removed once the whole file is read, with history; people
whose rows were refused keep theirs; the preview lists the removals first."""

import datetime

import openpyxl
import pytest
from django.urls import reverse

from bangfu.audit.models import AuditEntry
from bangfu.employers.models import Employment, MonthlyRecord, RosterSubmission
from bangfu.employers.testing import make_employer
from bangfu.exchange.imports import engine, jobs

HEADERS = ["证件号码", "姓名", "月份", "出勤天数", "应发工资", "意外伤害保险"]
APRIL, MAY = datetime.date(2024, 4, 1), datetime.date(2024, 5, 1)


def book(tmp_path, rows, name, headers=HEADERS, hidden=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for number in hidden:  # rows as Excel numbers them (the header is row 1)
        sheet.row_dimensions[number].hidden = True
    path = tmp_path / name
    workbook.save(path)
    return path


def line(worker, month="2024年04月", days=20, pay=2000, insurance=15):
    person, number = worker
    return [number, person.name, month, days, pay, insurance]


def months_of(employer=None, month=APRIL) -> set[str]:
    records = MonthlyRecord.objects.filter(month=month)
    if employer is not None:
        records = records.filter(employment__employer=employer)
    return set(records.values_list("employment__person__name", flat=True))


def run(user, tmp_path, rows, name, **options):
    dry_run = options.pop("dry_run", False)
    return jobs.import_files(user, [(name, book(tmp_path, rows, name, **options))], dry_run=dry_run)


@pytest.fixture
def april(world, shop, workers, tmp_path):
    """The five workers' April on file, from a first import."""
    job = run(world.ed, tmp_path, [line(w) for w in workers], "三月.xlsx")
    assert job.counts["commit"]["roster"]["add"] == 5
    return workers


def test_a_corrected_file_removes_the_month_of_whoever_it_leaves_out_with_history(world, shop, april, tmp_path):
    employer, _workshop = shop
    job = run(world.ed, tmp_path, [line(w) for w in april[:3]] + [line(april[3], pay=2500)], "改.xlsx")
    counts = job.counts["commit"]["roster"]
    assert (counts["unchanged"], counts["update"], counts["remove"]) == (3, 1, 1)
    assert months_of() == {"赵一", "钱二", "孙三", "周四"}
    gone = MonthlyRecord.history.get(history_type="-")
    assert (gone.employment.person.name, gone.history_user, gone.pay) == ("吴五", world.ed, 2000)
    assert f"导入任务 {job.pk}" in gone.history_change_reason
    # The removal counts in the import's one submission of the month, beside its rows' counts.
    submission = RosterSubmission.objects.get(removed=1)
    assert (submission.source, submission.month, submission.employer) == ("import", APRIL, employer)
    assert (submission.unchanged, submission.updated, submission.reference) == (3, 1, f"import:{job.pk}")
    [entry] = AuditEntry.objects.filter(action="bulk", object_id=str(submission.pk))
    assert f"导入任务 {job.pk}" in entry.detail["reason"]
    [removal] = [change for change in job.changes if change.get("action") == "remove"]
    assert removal["who"].startswith("吴五（") and removal["source"] == f"{employer.name} · 2024年04月"


def test_a_person_whose_row_is_refused_keeps_their_record(world, shop, april, tmp_path):
    zhao, qian, sun, zhou, wu = april
    rows = [line(zhao), line(qian, days=31),                  # April has 30 days: refused by the rule
            line(sun, days="二十"),                            # not a number: refused by the reader
            [zhou[1], "周某", "2024年04月", 20, 2000, 15]]     # a name that does not match
    job = run(world.ed, tmp_path, rows, "改.xlsx")
    counts = job.counts["commit"]["roster"]
    assert (counts["unchanged"], counts["rejected"], counts["remove"]) == (1, 3, 1)
    assert months_of() == {"赵一", "钱二", "孙三", "周四"}   # 吴五 alone is left out
    assert MonthlyRecord.objects.get(employment__person=qian[0]).days_worked == 20


def test_a_refused_row_of_unknown_person_keeps_the_whole_month_with_a_warning(world, shop, april, tmp_path):
    zhao = april[0]
    bad_number = zhao[1][:17] + ("1" if zhao[1][17] != "1" else "2")
    job = run(world.ed, tmp_path, [line(april[1]), [bad_number, "赵一", "2024年04月", 20, 2000, 15]], "改.xlsx")
    assert job.counts["commit"]["roster"]["remove"] == 0
    assert len(months_of()) == 5
    assert any("第 3 行" in warning and "保留" in warning for warning in job.warnings)


def test_a_file_of_two_months_replaces_each_and_leaves_the_others(world, shop, april, tmp_path):
    zhao, qian, sun, zhou, wu = april
    run(world.ed, tmp_path, [line(w, month) for month in ("2024年05月", "2024年06月") for w in april], "五月.xlsx")
    rows = [line(zhao), line(qian), line(sun, "2024年05月"), line(zhou, "2024年05月"), line(wu, "2024年05月")]
    job = run(world.ed, tmp_path, rows, "四五月.xlsx")
    assert job.counts["commit"]["roster"]["remove"] == 3 + 2
    assert months_of(month=APRIL) == {"赵一", "钱二"}
    assert months_of(month=MAY) == {"孙三", "周四", "吴五"}
    assert len(months_of(month=datetime.date(2024, 6, 1))) == 5      # June is not in the file
    assert sorted(RosterSubmission.objects.filter(removed__gt=0).values_list("month", "removed")) == [
        (APRIL, 3), (MAY, 2)]


def test_an_officers_file_replaces_each_employers_month_only(world, shop, workers, tmp_path):
    employer, _workshop = shop
    other = make_employer(world.alice, "522633101002", "从江县岜沙竹编合作社")
    untouched = make_employer(world.alice, "522633101002", "从江县贯洞米业有限公司")
    headers = [*HEADERS, "统一社会信用代码"]
    first = [[*line(workers[0]), employer.credit_code], [*line(workers[1]), employer.credit_code],
             [*line(workers[2]), other.credit_code], [*line(workers[3]), other.credit_code],
             [*line(workers[4]), untouched.credit_code]]
    run(world.alice, tmp_path, first, "全县.xlsx", headers=headers)
    job = run(world.alice, tmp_path, [first[0], first[2], first[3]], "全县改.xlsx", headers=headers)
    assert job.counts["commit"]["roster"]["remove"] == 1
    assert months_of(employer) == {"赵一"}
    assert months_of(other) == {"孙三", "周四"}
    assert months_of(untouched) == {"吴五"}    # its months are not in the file


def test_the_same_file_twice_changes_nothing_and_is_a_submission_of_its_own(world, shop, april, tmp_path):
    rows = [line(w) for w in april[:4]]
    run(world.ed, tmp_path, rows, "改.xlsx")
    history, submissions = MonthlyRecord.history.count(), RosterSubmission.objects.count()
    job = run(world.ed, tmp_path, rows, "再改.xlsx")
    counts = job.counts["commit"]["roster"]
    assert (counts["unchanged"], counts["remove"]) == (4, 0)
    assert (MonthlyRecord.history.count(), RosterSubmission.objects.count()) == (history, submissions + 1)
    latest = RosterSubmission.objects.get(reference=f"import:{job.pk}")
    assert [getattr(latest, name) for name in ("added", "updated", "unchanged", "removed")] == [0, 0, 4, 0]


def test_the_preview_counts_and_lists_the_removals_and_removes_nothing(world, shop, april, tmp_path):
    job = run(world.ed, tmp_path, [line(w) for w in april[:2]], "改.xlsx", dry_run=True)
    counts = job.counts["preview"]["roster"]
    assert (counts["unchanged"], counts["remove"]) == (2, 3)
    removals = [change for change in job.changes if change.get("action") == "remove"]
    assert sorted(r["who"][:2] for r in removals) == ["吴五", "周四", "孙三"]
    assert ["应发工资（元）", "2000.00", ""] in removals[0]["changes"]
    assert len(months_of()) == 5 and not MonthlyRecord.history.filter(history_type="-").exists()
    jobs.start_commit(job)
    done = jobs.run_commit(job.pk)
    assert done.counts["commit"]["roster"]["remove"] == 3 and months_of() == {"赵一", "钱二"}


def test_the_removal_waits_for_the_whole_file_read_in_chunks(world, shop, april, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 2)
    job = run(world.ed, tmp_path, [line(w) for w in reversed(april[1:])], "改.xlsx")
    assert job.counts["commit"]["roster"]["remove"] == 1 and months_of() == {"钱二", "孙三", "周四", "吴五"}
    assert job.chunks_done == 2 + 1     # two chunks, then the finishing step


def test_a_hidden_row_names_its_person(world, shop, april, tmp_path):
    job = run(world.ed, tmp_path, [line(w) for w in april], "隐藏.xlsx", hidden=[3])
    assert job.counts["commit"]["roster"]["remove"] == 0 and len(months_of()) == 5


def test_the_error_workbook_uploaded_again_removes_nothing(world, shop, april, tmp_path):
    zhao, qian = april[0], april[1]
    job = run(world.ed, tmp_path, [line(zhao), line(qian, days=31)], "改.xlsx")
    assert job.counts["commit"]["roster"]["remove"] == 3
    fixed = openpyxl.load_workbook(jobs.errors_path(job))
    sheet = fixed.worksheets[0]
    assert [cell.value for cell in sheet[1]][0] == "原行号"
    sheet.cell(row=2, column=5).value = 21   # 出勤天数, after 原行号
    fixed.save(tmp_path / "改正.xlsx")
    again = jobs.import_files(world.ed, [("改正.xlsx", tmp_path / "改正.xlsx")])
    counts = again.counts["commit"]["roster"]
    assert (counts["update"], counts["remove"]) == (1, 0)
    assert months_of() == {"赵一", "钱二"}
    assert MonthlyRecord.objects.get(employment__person=qian[0]).days_worked == 21


def test_the_preview_page_shows_the_removals(client, world, shop, april, tmp_path):
    job = run(world.ed, tmp_path, [line(w) for w in april[:4]], "改.xlsx", dry_run=True)
    client.force_login(world.ed)
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "将移除的记录" in page and "吴五（" in page and "并移除上面列出的记录" in page
    assert '<th class="num">移除</th>' in page
    # A few removals are listed open; a long list folds under its count.
    assert '<details class="removals" open><summary>查看这 1 条记录</summary>' in page
    job.changes = job.changes + [{**job.changes[-1], "who": f"某人{n}"} for n in range(20)]
    job.save(update_fields=["changes"])
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert '<details class="removals"><summary>查看这 21 条记录</summary>' in page


def test_a_commit_stopped_before_its_finishing_step_removes_when_resumed(world, shop, april, tmp_path, monkeypatch):
    from bangfu.exchange.imports import rosters

    finish = rosters.RosterPass.finish

    def stopped(self, user, *, reason, write):
        raise RuntimeError("the worker stopped")

    monkeypatch.setattr(rosters.RosterPass, "finish", stopped)
    with pytest.raises(RuntimeError):
        run(world.ed, tmp_path, [line(w, pay=2100) for w in april[:4]], "改.xlsx")
    job = jobs.jobs_for_user(world.ed).order_by("-id").first()
    assert (job.status, job.chunks_done, len(months_of())) == ("failed", 1, 5)
    monkeypatch.setattr(rosters.RosterPass, "finish", finish)
    jobs.resume(job)
    done = jobs.run_commit(job.pk)
    assert done.counts["commit"]["roster"]["update"] == 4 and done.counts["commit"]["roster"]["remove"] == 1
    assert months_of() == {"赵一", "钱二", "孙三", "周四"} and done.chunks_done == 2


def test_new_people_in_two_months_of_one_chunk_start_one_employment_each(world, shop, workers, tmp_path):
    rows = [line(w, month) for w in workers[:3] for month in ("2024年04月", "2024年05月")]
    job = run(world.ed, tmp_path, rows, "新.xlsx")
    assert job.counts["commit"]["roster"]["add"] == 6
    assert sorted(Employment.objects.values_list("person__name", "start_date")) == [
        ("孙三", APRIL), ("赵一", APRIL), ("钱二", APRIL)]
    assert months_of(month=MAY) == {"赵一", "钱二", "孙三"}


def test_an_import_keeps_one_record_of_a_person_as_a_submission_does(world, shop, workers, tmp_path):
    from bangfu.employers.employment.tests.test_roster import _left_and_came_back

    employer, _workshop = shop
    _before, after = _left_and_came_back(world, employer, workers[0])
    job = run(world.ed, tmp_path, [line(workers[0], days=17, pay=1800)], "四月.xlsx")
    counts = job.counts["commit"]["roster"]
    assert (counts["update"], counts["remove"]) == (1, 1)
    assert list(MonthlyRecord.objects.values_list("employment", "days_worked")) == [(after.pk, 17)]
    job = run(world.ed, tmp_path, [line(workers[0], days=40)], "四月又.xlsx")   # refused: nothing removed
    assert job.counts["commit"]["roster"]["remove"] == 0 and MonthlyRecord.objects.count() == 1
