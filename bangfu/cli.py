"""The `bangfu` command: bangfu's own commands first in its help, every Django command behind them."""

import os
import sys

COMMANDS = [
    ("demo", "create or reuse the demo database (从江县, ~20,000 people), then serve it on 127.0.0.1:8000"),
    ("serve", "serve the application (BANGFU_DATABASE_URL, or the SQLite file in BANGFU_DATA_DIR)"),
    ("worker", "run background tasks (big exports) at a lower CPU priority; `serve` starts one itself"),
    ("migrate", "create or upgrade the database tables"),
    ("generate", "generate a synthetic county: --county CODE --people N"),
    ("regions", "load the national statistical-code table: regions load FILE.csv"),
    ("createuser", "create an account: createuser NAME --role ROLE --region CODE"),
    ("issuetoken", "issue an API token for an account: issuetoken NAME --name PURPOSE [--days N]"),
    ("refresh", "recompute working-age labour and household employment (run daily)"),
    ("import", "import workbooks into the ledger: import FILE... [--kind KIND] [--dry-run] [--user NAME]"),
    ("checks", "run the consistency checks (核查): checks [--region CODE] [--check ID]"),
    ("industries", "load the GB/T 4754 industry classification's finer classes: industries load FILE.csv"),
    ("criteria", "load workshop criteria (就业帮扶车间认定标准): criteria load FILE.json [--region PREFIX]"),
    ("workshops", "evaluate the certified workshops for a quarter: workshops evaluate [--quarter 2026Q3] [--region P]"),
    ("rotatekey", "re-encrypt every identifier under the current BANGFU_FIELD_KEY (resumable; --dry-run)"),
]


def usage() -> str:
    lines = ["usage: bangfu COMMAND [options]   (bangfu COMMAND --help for a command's options)", "", "commands:"]
    lines += [f"  {name:<12} {text}" for name, text in COMMANDS]
    lines += ["", "Every Django management command works too, e.g. `bangfu check --deploy`, `bangfu shell`."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bangfu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bangfu", *argv])


if __name__ == "__main__":
    main()
