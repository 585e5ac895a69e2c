"""The data folder of the demo and of SQLite installations: readable by its owner only.

It holds the whole ledger (the SQLite database with its -wal/-shm companions) and, outside
production, the field key that decrypts the identifiers in it; nobody else on the machine should
read either.
"""

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_private(folder: Path, *files: Path) -> None:
    """Create the folder (0700) and the named files (0600) if missing, and tighten them and every
    file already in the folder if they were made with looser permissions."""
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(folder, DIR_MODE)
    for path in files:
        # Created empty before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    for path in folder.iterdir():
        if path.is_file() and not path.is_symlink():
            os.chmod(path, FILE_MODE)
