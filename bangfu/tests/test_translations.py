"""The English catalogue: complete, compiled, and covering every string the code marks for translation.

The UI is written in Chinese (the msgids); bangfu/locale/en holds the English. These tests fail when a
developer adds or changes a marked string without translating it (the message names the string and
where it is), when an entry is left fuzzy or empty, or when django.mo was not recompiled.

To fix a failure, from bangfu/ (gettext installed):
    python -m django makemessages -l en --no-obsolete --ignore=tests --ignore=migrations --settings=bangfu.settings
translate the new entries of locale/en/LC_MESSAGES/django.po (and drop any "#, fuzzy"), then
    msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po
"""

import ast
import gettext as gnu_gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

PACKAGE = Path(__file__).resolve().parents[1]
LOCALE = PACKAGE / "locale" / "en" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"
SKIP_DIRS = {"tests", "migrations", "locale", "static", "__pycache__", ".venv", "node_modules"}

# The keywords makemessages hands xgettext, with the positions of (context, singular, plural).
KEYWORDS = {
    "_": (None, 0, None), "gettext": (None, 0, None), "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None), "ngettext": (None, 0, 1), "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None), "pgettext_lazy": (0, 1, None), "npgettext": (0, 1, 2), "npgettext_lazy": (0, 1, 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{\w+\}")


# --- the .po file ------------------------------------------------------------------------------

def _unquote(token: str) -> str:
    return ast.literal_eval(token)


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (list), flags, references."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry = {"msgctxt": None, "msgid_plural": None, "msgstr": [], "flags": set(), "refs": [], "obsolete": False}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:"):
                entry["refs"].extend(line[2:].split())
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = _unquote(line)
                if key == "msgstr":
                    entry["msgstr"][-1] += value
                else:
                    entry[key] += value
            else:
                match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[\d+\])? (\".*\")$", line)
                assert match, f"{path}: cannot read line {line!r}"
                key, value = match[1], _unquote(match[2])
                if key == "msgstr":
                    entry["msgstr"].append(value)
                else:
                    entry[key] = value
        if "msgid" in entry:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries():
    return [e for e in parse_po(PO) if e["msgid"] and not e["obsolete"]]


def _label(entry) -> str:
    where = f" ({', '.join(entry['refs'][:3])})" if entry["refs"] else ""
    return f"{entry['msgid']!r}{where}"


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    header = next(e for e in parse_po(PO) if e["msgid"] == "")
    assert "fuzzy" not in header["flags"], "the header of django.po is still marked fuzzy"
    assert len(entries) > 100
    untranslated = [_label(e) for e in entries if not e["msgstr"] or not all(s.strip() for s in e["msgstr"])]
    fuzzy = [_label(e) for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, "untranslated entries in django.po:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy entries in django.po (check them, then drop the flag):\n" + "\n".join(fuzzy)


def test_translations_keep_the_placeholders(entries):
    wrong = []
    for e in entries:
        wanted = sorted(PLACEHOLDER.findall(e["msgid"]))
        for text in e["msgstr"]:
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                wrong.append(f"{_label(e)} -> {text!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_translations_are_english(entries):
    # Chinese stays only in parentheses after the English term, e.g. "Bangfu (帮扶)", or as the
    # literal values a file import expects (省/市/县/乡镇/村).
    han = re.compile(r"[\u4e00-\u9fff]")
    wrong = [f"{_label(e)} -> {s!r}" for e in entries for s in e["msgstr"]
             if han.search(re.sub(r"\([^)]*\)|（[^）]*）", "", s))]
    assert not wrong, "msgstr with Chinese outside parentheses:\n" + "\n".join(wrong)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_catalogue(tmp_path):
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO)],  # noqa: S607
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


# --- the compiled .mo --------------------------------------------------------------------------

def test_the_mo_file_matches_the_po_file(entries):
    with MO.open("rb") as handle:
        catalog = gnu_gettext.GNUTranslations(handle)._catalog
    stale = []
    for e in entries:
        key = e["msgid"] if e["msgctxt"] is None else f"{e['msgctxt']}\x04{e['msgid']}"
        if e["msgid_plural"] is None:
            if catalog.get(key) != e["msgstr"][0]:
                stale.append(_label(e))
        elif [catalog.get((key, n)) for n in range(len(e["msgstr"]))] != e["msgstr"]:
            stale.append(_label(e))
    assert not stale, "django.mo is older than django.po; recompile it (msgfmt). Differs:\n" + "\n".join(stale)


def test_key_strings_translate_at_run_time():
    with translation.override("en"):
        assert "People" in translation.gettext("人员台账")
        assert translation.gettext("零就业家庭").lower().startswith("zero-employment household")
        message = translation.gettext("身份证号校验码错误：第 18 位应为 %(expected)s，而不是 %(given)s")
        text = message % {"expected": "X", "given": "5"}
        assert "X" in text and "5" in text and not re.search(r"[\u4e00-\u9fff]", text)
    with translation.override("zh-hans"):
        assert translation.gettext("人员台账") == "人员台账"


# --- the source: every marked string is in the catalogue ---------------------------------------

def _source_files(*suffixes: str):
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in suffixes and path.is_file() and not SKIP_DIRS.intersection(path.relative_to(PACKAGE).parts):
            yield path


def _python_messages(path: Path):
    """(context, msgid, line) of every gettext-family call with literal arguments, as xgettext sees them."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        context_at, singular_at, _plural_at = KEYWORDS[name]
        args = node.args
        if len(args) <= singular_at:
            continue
        message = args[singular_at]
        if isinstance(message, ast.JoinedStr):
            yield None, f"<f-string passed to {name}(): it can never be translated>", node.lineno
            continue
        if not (isinstance(message, ast.Constant) and isinstance(message.value, str)):
            continue
        context = None
        if context_at is not None:
            ctx = args[context_at]
            if not (isinstance(ctx, ast.Constant) and isinstance(ctx.value, str)):
                continue
            context = ctx.value
        yield context, message.value, node.lineno


_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATE_CALL = re.compile(rf"\b(gettext|pgettext|ngettext|npgettext|_)\(\s*({_LITERAL}(?:\s*,\s*{_LITERAL})*)")


def _template_messages(path: Path):
    """The same messages makemessages finds: Django's own templatize, then the calls it writes."""
    source = path.read_text(encoding="utf-8")
    python = templatize(source, origin=str(path))
    for match in _TEMPLATE_CALL.finditer(python):
        literals = [ast.literal_eval(s) for s in re.findall(_LITERAL, match[2])]
        line = python.count("\n", 0, match.start()) + 1
        if match[1] in ("pgettext", "npgettext"):
            if len(literals) >= 2:
                yield literals[0], literals[1], line
        else:
            yield None, literals[0], line


def _where(path: Path, line: int, context: str | None, msgid: str) -> str:
    return f"{path.relative_to(PACKAGE)}:{line}: {msgid!r}" + (f" [context {context!r}]" if context else "")


def test_every_marked_string_is_in_the_catalogue(entries):
    known = {(e["msgctxt"], e["msgid"]) for e in entries}
    missing = []
    for path in _source_files(".py"):
        for context, msgid, line in _python_messages(path):
            if (context, msgid) not in known:
                missing.append(_where(path, line, context, msgid))
    for path in _source_files(".html", ".txt"):
        for context, msgid, line in _template_messages(path):
            if (context, msgid) not in known:
                missing.append(_where(path, line, context, msgid))
    assert not missing, (
        "strings marked for translation but missing from locale/en/LC_MESSAGES/django.po "
        "(run makemessages -l en, translate, compile):\n" + "\n".join(missing)
    )
