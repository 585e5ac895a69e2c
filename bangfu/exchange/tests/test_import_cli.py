"""`bangfu import`: a dry run prints the preview's counts and writes the error workbook, a real run
writes the ledger; the progress on stderr; refusals as command errors."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper

from bangfu import cli
from bangfu.conftest import valid_id
from bangfu.exchange.imports.tests.books import xlsx
from bangfu.exchange.models import ImportJob
from bangfu.registry.models import Person

load_command = __import__("importlib").import_module("bangfu.exchange.management.commands.import")

HEADERS = ["乡镇", "村", "姓名", "证件号码", "与户主关系"]
ROWS = [["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主"],
        ["丙妹镇", "大塘村", "王小三", "5226331985", "户主"],            # an ID number cut short
        ["德凤街道", "高屯村", "赵四", valid_id("522631", seq=35), "户主"]]  # bob's county


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "一月.xlsx"
    path.write_bytes(xlsx([HEADERS, *ROWS]))
    return path


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_prints_the_counts_and_writes_the_error_workbook(world, workbook):
    out, err = run(str(workbook), "--dry-run", "--user", "alice")
    lines = out.splitlines()
    assert lines[0] == f"import #{ImportJob.objects.get().pk}: previewed (dry run: nothing written)"
    assert lines[1].split() == ["kind", "add", "update", "unchanged", "rejected"]
    assert lines[2].split() == ["person", "1", "0", "0", "2"]
    assert err.splitlines()[-1].split() == ["checked", "[" + "#" * 30 + "]", "100%", "3", "/", "3", "rows"]
    written = out.split("rejected rows and their reasons: ")[1].strip()
    sheet = openpyxl.load_workbook(written).worksheets[0]
    rejected = {row[3]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rejected) == {"王小三", "赵四"}
    assert "证件号码" in rejected["王小三"]
    assert not Person.objects.filter(name="王小二").exists()


def test_a_real_run_writes_the_ledger_and_runs_the_checks(world, workbook):
    out, err = run(str(workbook), "--user", "alice")
    job = ImportJob.objects.get()
    assert job.status == "done" and job.user == world.alice
    assert out.splitlines()[2].split() == ["person", "1", "0", "0", "2"]
    assert f"run #{job.counts['checks_run']}" in out
    assert err.splitlines()[-1].split() == ["written", "[" + "#" * 30 + "]", "100%", "3", "/", "3", "rows"]
    person = Person.objects.get(name="王小二")
    assert person.region_code == "522633101001"
    out, _err = run(str(workbook), "--user", "alice")  # the same file again adds nothing
    assert out.splitlines()[2].split()[:2] == ["person", "0"]


def test_the_bar_ends_on_the_rows_counted_not_those_the_file_declares(world, tmp_path):
    path = tmp_path / "空行.xlsx"
    path.write_bytes(xlsx([HEADERS, *ROWS, [None] * 5, [None] * 5]))  # the file declares 5 rows
    _out, err = run(str(path), "--user", "alice")
    assert err.splitlines()[-1].split() == ["written", "[" + "#" * 30 + "]", "100%", "3", "/", "3", "rows"]


def test_it_refuses_with_a_message(world, workbook, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nothing.xlsx"), "--user", "alice")
    with pytest.raises(CommandError, match="no account 'nobody'"):
        run(str(workbook), "--user", "nobody")
    with pytest.raises(CommandError, match="may not edit the ledger"):
        run(str(workbook), "--user", "audrey")
    with pytest.raises(CommandError, match="--user"):
        run(str(workbook))
    unmapped = tmp_path / "unmapped.xlsx"
    unmapped.write_bytes(xlsx([["乡镇", "村", "姓名", "身份号", "与户主关系"], ROWS[0]]))
    with pytest.raises(CommandError, match="还有必填字段没有对应的列：证件号码"):
        run(str(unmapped), "--user", "alice")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="无法读取该文件"):
        run(str(broken), "--user", "alice")
    assert not Person.objects.filter(name="王小二").exists()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_redraws_on_a_terminal_and_prints_tenths_on_a_pipe():
    screen = Terminal()
    bar = load_command.ProgressBar(OutputWrapper(screen), "written")
    bar(0, 0)  # the total not known yet: the rows are counted
    bar(1000, 2000)  # within a fifth of a second: not drawn
    bar(2000, 2000)  # the end always is
    bar.finish()
    assert screen.getvalue() == ("\rwritten 0 rows\x1b[K"
                                 f"\rwritten [{'#' * 30}] 100%  2,000 / 2,000 rows\x1b[K\n")
    piped = io.StringIO()
    bar = load_command.ProgressBar(OutputWrapper(piped), "checked")
    for done in range(0, 10_001, 500):
        bar(done, 10_000)
    bar.finish()
    assert piped.getvalue().count("\n") == 11 and "\r" not in piped.getvalue()
    assert piped.getvalue().splitlines()[-1] == f"checked [{'#' * 30}] 100%  10,000 / 10,000 rows"


def test_help_lists_import_and_checks(capsys):
    cli.main(["--help"])
    out = capsys.readouterr().out
    assert "import FILE... [--kind KIND] [--dry-run]" in out and "checks " in out
