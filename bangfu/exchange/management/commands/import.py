"""`bangfu import FILE… [--kind KIND] [--dry-run] [--user NAME]`: the import of the pages in this
process, with a progress bar on stderr and the preview's counts on stdout."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bangfu.accounts.actors import command_actor
from bangfu.core.history import acting_as
from bangfu.exchange.imports import jobs
from bangfu.exchange.imports.kinds import KINDS
from bangfu.exchange.models import ImportJob

COLUMNS = (("add", "add"), ("update", "update"), ("unchanged", "unchanged"), ("rejected", "rejected"))


class ProgressBar:
    """`[#########...........]  45%  4,500 / 10,000 rows` redrawn in place on a terminal, at most
    five times a second; on a pipe or file, a line at each tenth."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream  # a command's OutputWrapper (its own line ending is not used)
        self.tty = stream.isatty()
        self.drawn_at = 0.0
        self.last_tenth = -1
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        percent = 100 if not total else min(100, done * 100 // total)
        if self.tty:
            now = time.monotonic()
            if now - self.drawn_at < 0.2 and done < total:
                return
            self.drawn_at = now
            filled = self.WIDTH * percent // 100
            bar = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}]"
            self.stream.write(f"\r{bar} {percent:3d}%  {done:,} / {total:,} rows", ending="")
        else:
            if percent // 10 == self.last_tenth:
                return
            self.last_tenth = percent // 10
            self.stream.write(f"{percent:3d}%  {done:,} / {total:,} rows")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.tty and self.shown:
            self.stream.write("")


def counts_table(counts: dict) -> list[str]:
    """The preview's (or the commit's) counts, one line per kind and a total."""
    lines = [f"{'kind':<12} {'add':>10} {'update':>10} {'unchanged':>10} {'rejected':>10}"]
    totals = dict.fromkeys((key for key, _ in COLUMNS), 0)
    for kind, figures in counts.items():
        if not isinstance(figures, dict):
            continue
        for key, _label in COLUMNS:
            totals[key] += figures.get(key, 0)
        lines.append(f"{kind:<12} " + " ".join(f"{figures.get(key, 0):>10,}" for key, _ in COLUMNS))
    if len(lines) > 2:
        lines.append(f"{'total':<12} " + " ".join(f"{totals[key]:>10,}" for key, _ in COLUMNS))
    return lines


class Command(BaseCommand):
    help = ("Import workbooks (xlsx, xls, csv) into the ledger: checked row by row, then written "
            "(--dry-run: only counted); rejected rows go to an error workbook.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="xlsx, xls or csv files")
        parser.add_argument("--kind", choices=sorted(KINDS), default="",
                            help="read every table as this kind (default: recognised by its headers)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--user", help="account the import is made as: its region and history "
                                           "(default: the system account)")

    def handle(self, *args, **options):
        paths = [Path(name) for name in options["files"]]
        absent = [str(path) for path in paths if not path.is_file()]
        if absent:
            raise CommandError(f"no such file: {', '.join(absent)}")
        user = command_actor(options["user"])
        bar = ProgressBar(self.stderr)
        try:
            with acting_as(user):
                job = jobs.import_files(user, [(path.name, path) for path in paths], kind=options["kind"],
                                        dry_run=options["dry_run"], progress=bar)
        except jobs.ImportRefused as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.finish()
        self.report(job, dry_run=options["dry_run"])
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(f"the import failed: {job.error}")

    def report(self, job: ImportJob, *, dry_run: bool) -> None:
        counts = job.counts.get("preview" if dry_run else "commit") or job.counts.get("preview") or {}
        note = " (dry run: nothing written)" if dry_run else ""
        self.stdout.write(f"import #{job.pk}: {job.status}{note}")
        for line in counts_table(counts):
            self.stdout.write(line)
        for warning in job.warnings:
            self.stdout.write(f"warning: {warning}")
        errors = jobs.errors_path(job)
        if errors is not None:
            self.stdout.write(f"rejected rows and their reasons: {errors}")
        if not dry_run and job.counts.get("checks_run"):
            self.stdout.write(f"checks run after the import: run #{job.counts['checks_run']} (see the 核查 page)")
