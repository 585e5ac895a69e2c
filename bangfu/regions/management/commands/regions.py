import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bangfu.regions import synthetic
from bangfu.regions.services import load_regions_file


class Command(BaseCommand):
    help = "Load the statistical-code table from CSV, or write a synthetic national one."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        load = actions.add_parser("load", help="load a CSV of code,name,level,parent_code (rerunnable)")
        load.add_argument("file", type=Path)
        load.add_argument("--rejects", type=Path, help="where to write rejected rows (default FILE.rejects.csv)")
        synth = actions.add_parser("synth", help="write a synthetic national CSV (~650,000 nodes)")
        synth.add_argument("--out", type=Path, required=True)
        synth.add_argument("--seed", type=int, default=1)
        synth.add_argument("--province", action="append", default=None,
                           help="two-digit province code to keep (repeatable); default the whole country")

    def handle(self, *args, **options):
        if options["action"] == "load":
            self.load(options["file"], options["rejects"])
        else:
            self.synth(options["out"], options["seed"], options["province"])

    def load(self, path: Path, rejects: Path | None) -> None:
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        started = time.monotonic()
        result = load_regions_file(path)
        self.stdout.write(f"loaded {result.loaded:,} regions from {path} in {time.monotonic() - started:.1f} s")
        if result.rejected:
            rejects = rejects or path.with_name(path.name + ".rejects.csv")
            result.write_rejects(rejects)
            self.stdout.write(self.style.WARNING(
                f"rejected {len(result.rejected):,} rows; their line numbers and reasons are in {rejects}"
            ))
        else:
            self.stdout.write("rejected 0 rows")

    def synth(self, out: Path, seed: int, provinces: list[str] | None) -> None:
        started = time.monotonic()
        count = synthetic.write_national_csv(out, seed=seed, provinces=provinces)
        self.stdout.write(f"wrote {count:,} regions to {out} in {time.monotonic() - started:.1f} s")
