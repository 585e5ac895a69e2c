"""An imported roster is one submission (花名册报送) per employer and month, whatever number of chunks
it is written in: the import's whole counts and refused rows, the removals of its finishing step,
one audit entry each; a commit killed midway and resumed counts each row once; the same file
imported again is a new submission of each month."""

import pytest
from django.db import connection
from django.urls import reverse

from bangfu.audit.models import AuditEntry
from bangfu.employers.employment.tests.test_roster_import_replace import APRIL, HEADERS, MAY, book, line
from bangfu.employers.models import RosterSubmission
from bangfu.employers.testing import make_employer
from bangfu.exchange.imports import engine, jobs
from bangfu.exchange.models import ImportJob

FIGURES = ("added", "updated", "unchanged", "refused", "started", "removed")


@pytest.fixture
def two(world, shop, workers, tmp_path, monkeypatch):
    """Two employers of the county; the first has 赵一's and 钱二's April on file; chunks of three."""
    employer, _workshop = shop
    other = make_employer(world.alice, "522633101002", "从江县岜沙竹编合作社")
    zhao, qian = workers[0], workers[1]
    run(world.alice, tmp_path, [[*line(zhao), employer.credit_code], [*line(qian), employer.credit_code]], "三月.xlsx")
    monkeypatch.setattr(engine, "CHUNK", 3)
    return employer, other


def run(user, tmp_path, rows, name):
    return jobs.import_files(user, [(name, book(tmp_path, rows, name, headers=[*HEADERS, "统一社会信用代码"]))])


def rows_of(employers, workers):
    """Two employers' April and May over four chunks of three, each month in more than one chunk;
    the last chunk holds only a row refused before it reaches the roster (repeated, other figures)."""
    a, b = employers[0].credit_code, employers[1].credit_code
    zhao, qian, sun, zhou, wu = workers
    return [
        [*line(zhao), a],                                   # A April: unchanged
        [*line(zhou), b],                                   # B April: added, starts an employment
        [*line(zhou, days=31), a],                          # A April: refused (April has 30 days)
        [*line(qian, pay=2500), a],                         # A April: updated
        [*line(zhou, "2024年05月"), b],                      # B May: added (in the employment begun above)
        [*line(wu, days="二十"), b],                         # B April: refused by the reader
        [*line(sun), a],                                    # A April: added, starts an employment
        [*line(sun, "2024年05月"), a],                       # A May: added
        [*line(wu, "2024年05月"), b],                        # B May: added, starts an employment
        [*line(zhou, "2024年05月", pay=9999), b],            # B May: refused, 周四's May given twice
    ]


# (employer index, month) → added, updated, unchanged, refused, started, removed
WHOLE = {(0, APRIL): [1, 1, 1, 1, 1, 0], (0, MAY): [1, 0, 0, 0, 0, 0],
         (1, APRIL): [1, 0, 0, 1, 1, 0], (1, MAY): [2, 0, 0, 1, 1, 0]}


def submissions_of(job, employers) -> dict:
    found = RosterSubmission.objects.filter(reference=f"import:{job.pk}")
    return {(employers.index(s.employer), s.month): [getattr(s, name) for name in FIGURES] for s in found}


def entries_of(job) -> list[int]:
    """How many audit entries each submission of the import has."""
    return [AuditEntry.objects.filter(action="bulk", object_type="employers.rostersubmission",
                                      object_id=str(s.pk)).count()
            for s in RosterSubmission.objects.filter(reference=f"import:{job.pk}")]


def test_an_import_in_chunks_is_one_submission_per_employer_and_month_with_its_whole_counts(
        world, shop, workers, two, tmp_path, client):
    job = run(world.alice, tmp_path, rows_of(two, workers), "四五月.xlsx")
    assert job.status == ImportJob.Status.DONE and job.chunks_done == 4 + 1, job.error
    assert job.counts["commit"]["roster"] == {"add": 5, "update": 1, "unchanged": 1, "rejected": 3, "remove": 0}
    assert submissions_of(job, list(two)) == WHOLE
    assert RosterSubmission.objects.count() == 1 + 4      # the first import's April, then these four
    assert entries_of(job) == [1] * 4
    b_april = RosterSubmission.objects.get(reference=f"import:{job.pk}", employer=two[1], month=APRIL)
    b_may = RosterSubmission.objects.get(reference=f"import:{job.pk}", employer=two[1], month=MAY)
    assert [refusal["row"] for refusal in b_april.refusals] == [7]
    assert list(b_april.refusals[0]["errors"]) == ["出勤天数"] and b_april.refusals[0]["who"].startswith("吴五（")
    assert [refusal["row"] for refusal in b_may.refusals] == [11]
    client.force_login(world.alice)
    page = client.get(reverse("roster_submission", args=[b_may.pk])).content.decode()
    assert "<dd>2（其中新建用工记录 1 条）</dd>" in page and "第 6 行" in page   # the repeated row names its first


def test_a_corrected_files_removals_land_in_its_submission_of_the_month(world, shop, workers, two, tmp_path):
    employer = two[0]
    zhao, qian, sun = workers[0], workers[1], workers[2]
    run(world.alice, tmp_path, [[*line(w), employer.credit_code] for w in (zhao, qian, sun)], "四月.xlsx")
    # 钱二 left out: removed; five rows over two chunks.
    rows = [[*line(zhao), employer.credit_code], [*line(sun, pay=2100), employer.credit_code]] + [
        [*line(w, "2024年05月"), employer.credit_code] for w in (zhao, sun, qian)]
    job = run(world.alice, tmp_path, rows, "四月改.xlsx")
    assert job.counts["commit"]["roster"]["remove"] == 1 and job.chunks_done == 2 + 1
    assert submissions_of(job, [employer]) == {(0, APRIL): [0, 1, 1, 0, 0, 1], (0, MAY): [3, 0, 0, 0, 0, 0]}
    assert entries_of(job) == [1, 1]


def killed_after_two_chunks_then_resumed(world, workers, two, tmp_path, monkeypatch):
    """The commit dies inside chunk 2's transaction, after writing it; resumed, it goes on from there."""
    real = engine._commit

    def dying(job_id, number, rows_done, write):
        def write_then_die():
            write()
            raise RuntimeError("the worker was killed")

        return real(job_id, number, rows_done, write_then_die if number == 2 else write)

    monkeypatch.setattr(engine, "_commit", dying)
    with pytest.raises(RuntimeError):
        run(world.alice, tmp_path, rows_of(two, workers), "四五月.xlsx")
    job = jobs.jobs_for_user(world.alice).order_by("-id").first()
    assert (job.status, job.chunks_done) == ("failed", 2)
    written = submissions_of(job, list(two))
    assert written and written != WHOLE     # the chunks written before, and nothing of chunk 2
    assert sum(counts[0] for counts in written.values()) == 2
    monkeypatch.setattr(engine, "_commit", real)
    jobs.resume(job)
    done = jobs.run_commit(job.pk)
    assert done.status == ImportJob.Status.DONE, done.error
    assert done.counts["commit"]["roster"] == {"add": 5, "update": 1, "unchanged": 1, "rejected": 3, "remove": 0}
    assert submissions_of(done, list(two)) == WHOLE
    assert entries_of(done) == [1] * 4
    refused = RosterSubmission.objects.filter(reference=f"import:{job.pk}").values_list("refusals", flat=True)
    assert sorted(refusal["row"] for refusals in refused for refusal in refusals) == [4, 7, 11]


def test_a_commit_killed_midway_and_resumed_gives_the_same_submissions(world, shop, workers, two, tmp_path,
                                                                     monkeypatch):
    killed_after_two_chunks_then_resumed(world, workers, two, tmp_path, monkeypatch)


@pytest.fixture
def beside(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("chunks are written beside the reading on PostgreSQL only")


def test_a_commit_written_beside_the_reading_killed_and_resumed_gives_the_same_submissions(
        beside, world, shop, workers, two, tmp_path, monkeypatch):
    killed_after_two_chunks_then_resumed(world, workers, two, tmp_path, monkeypatch)


def test_the_same_file_again_is_a_new_submission_of_each_month_all_unchanged(world, shop, workers, two, tmp_path):
    rows = [row for row in rows_of(two, workers) if row[3] != 31 and row[3] != "二十" and row[4] != 9999]
    first = run(world.alice, tmp_path, rows, "四五月.xlsx")
    again = run(world.alice, tmp_path, rows, "四五月.xlsx")
    assert again.counts["commit"]["roster"] == {"add": 0, "update": 0, "unchanged": 7, "rejected": 0, "remove": 0}
    assert submissions_of(again, list(two)) == {(0, APRIL): [0, 0, 3, 0, 0, 0], (0, MAY): [0, 0, 1, 0, 0, 0],
                                                (1, APRIL): [0, 0, 1, 0, 0, 0], (1, MAY): [0, 0, 2, 0, 0, 0]}
    assert len(submissions_of(first, list(two))) == 4 and entries_of(again) == [1] * 4


def test_a_row_repeated_word_for_word_counts_unchanged_in_the_submission_as_in_the_job(
        world, shop, workers, two, tmp_path):
    a = two[0].credit_code
    zhao, qian = workers[0], workers[1]
    # 钱二's April twice, the same (chunks of three: the repeat in the second chunk), and 赵一 once.
    job = run(world.alice, tmp_path, [[*line(qian, pay=2500), a], [*line(zhao), a], [*line(zhao), a],
                                      [*line(qian, pay=2500), a]], "四月.xlsx")
    assert job.counts["commit"]["roster"] == {"add": 0, "update": 1, "unchanged": 3, "rejected": 0, "remove": 0}
    assert submissions_of(job, list(two)) == {(0, APRIL): [0, 1, 3, 0, 0, 0]}
