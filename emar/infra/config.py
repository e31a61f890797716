"""Where things live: the default database file and the choice of database URL."""

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "eMAR"
DB_URL_ENV = "EMAR_DB_URL"


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    return data_dir() / "emar.sqlite"


def resolve_db_url(cli_url: str | None = None) -> str:
    """--db beats EMAR_DB_URL beats the default file in the user data dir."""
    if cli_url:
        return cli_url
    if os.environ.get(DB_URL_ENV):
        return os.environ[DB_URL_ENV]
    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # first run on this PC
    return f"sqlite:///{path}"
