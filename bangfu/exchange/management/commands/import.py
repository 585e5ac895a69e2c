"""`bangfu import FILE… [--kind KIND] [--dry-run] [--user NAME]`: the import of the pages in this
process, with a progress bar on stderr and the preview's counts on stdout."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bangfu.accounts.models import User
from bangfu.core.history import acting_as
from bangfu.core.permissions import has_perm
from bangfu.exchange.imports import jobs
from bangfu.exchange.imports.kinds import KINDS
from bangfu.exchange.models import ImportJob
from bangfu.registry.permissions import Perm

ACTIONS = ("add", "update", "unchanged", "rejected")  # the preview's counts, per kind


class ProgressBar:
    """`written [#########.....]  45%  4,500 / 10,000 rows` redrawn in place on a terminal (at most
    five times a second); on a pipe or a file, a line at each tenth. The total is the rows the files
    declare (blank and 合计 rows too) until the pass has counted them, and the bar ends on that count;
    a file that declares none is counted as it goes: `checked 4,500 rows`."""

    WIDTH = 30
    UNKNOWN_EVERY = 10_000  # rows between lines on a pipe while the total is unknown

    def __init__(self, stream, label: str):
        self.stream = stream  # a command's OutputWrapper (its own line ending is not used)
        self.label = label
        self.tty = stream.isatty()
        self.drawn_at = 0.0
        self.last_step = -1
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        percent = min(100, done * 100 // total) if total else None
        if total:
            text = f"{self.label} [{self._bar(percent)}] {percent:3d}%  {done:,} / {total:,} rows"
        else:
            text = f"{self.label} {done:,} rows"
        if self.tty:
            now = time.monotonic()
            if now - self.drawn_at < 0.2 and done < total:
                return
            self.drawn_at = now
            self.stream.write(f"\r{text}\x1b[K", ending="")  # \x1b[K: clear what a longer line left
        else:
            step = percent // 10 if total else done // self.UNKNOWN_EVERY
            if step == self.last_step:
                return
            self.last_step = step
            self.stream.write(text)
        self.stream.flush()
        self.shown = True

    def _bar(self, percent: int) -> str:
        filled = self.WIDTH * percent // 100
        return "#" * filled + "." * (self.WIDTH - filled)

    def finish(self) -> None:
        if self.tty and self.shown:
            self.stream.write("")
        self.shown = False


def counts_table(counts: dict) -> list[str]:
    """The preview's (or the commit's) counts, one line per kind, and their total (with a `remove`
    column when a kind removes records: a roster replaces its months)."""
    actions = (*ACTIONS, "remove") if any("remove" in figures for figures in counts.values()) else ACTIONS
    lines = [f"{'kind':<12}" + "".join(f"{action:>11}" for action in actions)]
    totals = dict.fromkeys(actions, 0)
    for kind, figures in counts.items():
        lines.append(f"{kind:<12}" + "".join(f"{figures.get(action, 0):>11,}" for action in actions))
        for action in actions:
            totals[action] += figures.get(action, 0)
    if len(counts) > 1:
        lines.append(f"{'total':<12}" + "".join(f"{totals[action]:>11,}" for action in actions))
    return lines


class Command(BaseCommand):
    help = ("Import workbooks (xlsx, xls, csv) into the ledger: checked row by row, then written "
            "(--dry-run: only counted); rejected rows go to an error workbook.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="xlsx, xls or csv files")
        parser.add_argument("--kind", choices=sorted(KINDS), default="",
                            help="read every table as this kind (default: recognised by its headers)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--user", required=True, metavar="USERNAME",
                            help="the account the import is made as: an officer who may edit the ledger; rows "
                                 "outside their region are rejected, and the history names them")

    def handle(self, *args, **options):
        paths = [Path(name) for name in options["files"]]
        absent = [str(path) for path in paths if not path.is_file()]
        if absent:
            raise CommandError(f"no such file: {', '.join(absent)}")
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no account {options['user']!r} (--user)")
        if not has_perm(user, Perm.EDIT_LEDGER):
            raise CommandError(f"the account {user.username!r} may not edit the ledger (its role or it is inactive)")
        bar = ProgressBar(self.stderr, "checked" if options["dry_run"] else "written")
        try:
            with acting_as(user):
                job = jobs.import_files(user, [(path.name, path) for path in paths], kind=options["kind"],
                                        dry_run=options["dry_run"], progress=bar)
            if job.rows_total:
                bar(job.rows_done, job.rows_total)  # the rows as counted, not as the files declared them
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
