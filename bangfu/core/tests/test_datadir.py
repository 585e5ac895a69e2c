"""The data folder (SQLite database, development field key) is readable by its owner only."""

import os
import stat

from bangfu.core import crypto, datadir


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_it_creates_a_private_folder_and_database_file(tmp_path):
    folder = tmp_path / "data"
    datadir.make_private(folder, folder / "bangfu.sqlite3")
    assert mode(folder) == 0o700
    assert mode(folder / "bangfu.sqlite3") == 0o600


def test_it_tightens_what_was_made_with_looser_permissions(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    for name in ("bangfu.sqlite3", "bangfu.sqlite3-wal", "field.key"):
        (folder / name).write_text("x")
        os.chmod(folder / name, 0o644)
    datadir.make_private(folder, folder / "bangfu.sqlite3")
    assert mode(folder) == 0o700
    assert {mode(path) for path in folder.iterdir()} == {0o600}
    assert (folder / "bangfu.sqlite3").read_text() == "x"  # an existing database is kept


def test_the_development_field_key_is_private(settings, tmp_path):
    settings.FIELD_KEY = None
    settings.DATA_DIR = tmp_path / "fresh"
    crypto.clear_caches()
    try:
        crypto._master_key_text()
    finally:
        crypto.clear_caches()
    assert mode(settings.DATA_DIR) == 0o700
    assert mode(settings.DATA_DIR / "field.key") == 0o600
