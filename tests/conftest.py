"""Fixtures: a fresh database per test on SQLite and on a throwaway PostgreSQL server.

Each backend keeps two templates built once per run (schema at head; demo home), and every test
gets its own copy: a file copy for SQLite, CREATE DATABASE ... TEMPLATE for PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from emar.demo.build import build_demo_home
from emar.demo.data import DEMO_HISTORY_DAYS
from emar.infra.db import Database, open_database
from emar.maintenance.migrate import upgrade_to_head
from tests.support.pg_server import PgServer, start_pg_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Per-PC settings (QSettings: scanner port...) go to a throwaway folder, not the tester's own.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="emar-test-config-")
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="emar-test-state-")  # the app's log file

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
DEMO_NOW = datetime.now(UTC)
# The round-engine tests use the demo home built at a fixed moment, so their times are exact.
ENGINE_BUILT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = start_pg_server()
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries not found (/usr/lib/postgresql/*/bin); CI needs them")
        pytest.skip("PostgreSQL is not installed here (apt-get install postgresql)")
    yield server
    server.stop()


def _pg_admin(server: PgServer) -> psycopg.Connection:
    return psycopg.connect(
        host="127.0.0.1", port=server.port, user=server.user, dbname="postgres", autocommit=True
    )


def _pg_create(server: PgServer, name: str, template: str | None = None) -> str:
    with _pg_admin(server) as conn:
        suffix = f" TEMPLATE {template}" if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')  # type: ignore[arg-type]
    return server.url(name)


class Templates:
    """Template databases of one backend, built lazily once per run."""

    def __init__(self, backend: str, tmp: Path, server: PgServer | None) -> None:
        self.backend, self.tmp, self.server = backend, tmp, server
        self._built: dict[str, str] = {}

    def _build(self, kind: str) -> str:
        if kind in self._built:
            return self._built[kind]
        name = f"template_{kind}"
        url = self.empty_url(name)
        db = open_database(url)
        upgrade_to_head(db, backup=False)
        if kind in ("demo", "engine"):
            with db.write() as session:
                build_demo_home(session, DEMO_NOW if kind == "demo" else ENGINE_BUILT)
        elif kind == "history":  # what `emar demo` makes: the demo home with its MAR history
            with db.write() as session:
                build_demo_home(session, DEMO_NOW, history_days=DEMO_HISTORY_DAYS)
        db.dispose()
        self._built[kind] = name
        return name

    def empty_url(self, name: str | None = None) -> str:
        name = name or f"t{next(_counter)}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp / (name + '.sqlite')}"
        assert self.server is not None
        return _pg_create(self.server, name)

    def copy_url(self, kind: str) -> str:
        template = self._build(kind)
        name = f"t{next(_counter)}"
        if self.backend == "sqlite":
            dest = self.tmp / f"{name}.sqlite"
            shutil.copy(self.tmp / f"{template}.sqlite", dest)
            return f"sqlite:///{dest}"
        assert self.server is not None
        return _pg_create(self.server, name, template)


_templates: dict[str, Templates] = {}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def templates(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Templates:
    if backend not in _templates:
        server = request.getfixturevalue("pg_server") if backend == "postgresql" else None
        _templates[backend] = Templates(backend, tmp_path_factory.mktemp("sqlite"), server)
    return _templates[backend]


@pytest.fixture
def empty_url(templates: Templates) -> str:
    """A database with nothing in it, not even the schema."""
    return templates.empty_url()


@pytest.fixture
def db(templates: Templates) -> Iterator[Database]:
    """A database at the current schema with no care home."""
    database = open_database(templates.copy_url("schema"))
    yield database
    database.dispose()


@pytest.fixture
def demo_db(templates: Templates) -> Iterator[Database]:
    """A database holding the demo home (built with DEMO_NOW)."""
    database = open_database(templates.copy_url("demo"))
    yield database
    database.dispose()


@pytest.fixture
def home_db(templates: Templates) -> Iterator[Database]:
    """The demo home as built on 2026-06-01 12:00 UTC (charts from 2026-05-18), no history."""
    database = open_database(templates.copy_url("engine"))
    yield database
    database.dispose()
