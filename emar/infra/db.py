"""The one engine factory, and sessions that are one transaction each.

SQLite (the embedded default) runs in WAL mode with synchronous=FULL so a committed
administration survives a power cut, foreign keys on, and a busy timeout. Write transactions
begin IMMEDIATE so two writers queue instead of failing halfway; reads begin DEFERRED so they
never wait for a writer. PostgreSQL is chosen by URL for several ward PCs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from emar.errors import DatabaseUnavailable
from emar.infra.private_files import ensure_private_file

# A writer waits its turn this long. SQLite's busy handler is not fair (a waiting writer sleeps
# and may lose the lock again and again), and on a loaded PC eight writers kept one waiting
# more than 10 s (tests/system/test_race.py beside busy processes).
BUSY_TIMEOUT_MS = 30_000
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "sshfs", "fuse.sshfs", "afs"}
_IMMEDIATE = "emar_begin_immediate"


def parse_db_url(text_url: str) -> URL:
    """Parse and vet a database URL; PostgreSQL URLs use psycopg 3."""
    try:
        url = make_url(text_url)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"Database URL {text_url!r} is not valid. Use sqlite:///PATH or "
            "postgresql://USER:PASSWORD@HOST:PORT/DBNAME."
        ) from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise DatabaseUnavailable("A SQLite database needs a file path: sqlite:///PATH.")
        return url
    raise DatabaseUnavailable(
        f"Database URL {text_url!r}: eMAR works with SQLite or PostgreSQL, not {backend!r}."
    )


def _mount_fstype(path: Path) -> str | None:
    """The filesystem type holding `path`, from /proc/mounts (Linux); None if unknown."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    best, fstype = "", None
    resolved = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, fstype = point, parts[2]
    return fstype


def check_sqlite_path(path: Path) -> None:
    """Refuse a network share: SQLite locking is unreliable there and records could be lost."""
    as_text = str(path)
    if as_text.startswith(("\\\\", "//")) or _mount_fstype(path.parent) in NETWORK_FILESYSTEMS:
        raise DatabaseUnavailable(
            f"{path} is on a network share. SQLite must not be shared over a network: several "
            "PCs can lose or corrupt records. Use a PostgreSQL server for several ward PCs."
        )
    if not path.parent.is_dir():
        raise DatabaseUnavailable(f"Folder {path.parent} does not exist.")
    if not os.access(path.parent, os.W_OK):  # a read-only disk or mount, or no permission
        raise DatabaseUnavailable(
            f"Folder {path.parent} cannot be written to (a read-only disk?): SQLite keeps its "
            "journal beside the database, so the folder must be writable."
        )


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only (it holds personal data)."""
    try:
        ensure_private_file(path)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"Cannot create the database file {path}: {exc.strerror}."
        ) from None


def _sqlite_engine(url: URL, *, create: bool) -> Engine:
    path = Path(url.database or "")
    check_sqlite_path(path)
    if not path.exists() and not create:
        raise DatabaseUnavailable(f"No database at {path}. Create it with 'emar init'.")
    _create_private_file(path)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


# A ward PC that freezes or drops off the network in the middle of a write must not hold up
# the others: waits for a lock end after LOCK_WAIT with "try again"; a statement is stopped
# after STATEMENT_LIMIT; the server ends a transaction left idle for IDLE_IN_TRANSACTION (and
# TCP keepalives notice a PC that vanished), releasing what it held.
LOCK_WAIT_MS, STATEMENT_LIMIT_MS, IDLE_IN_TRANSACTION_MS = 5_000, 60_000, 60_000


def _postgres_engine(url: URL) -> Engine:
    options = (
        f"-c lock_timeout={LOCK_WAIT_MS} -c statement_timeout={STATEMENT_LIMIT_MS} "
        f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}"
    )
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": 5,
            "application_name": "emar",
            "options": options,
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        },
    )


def describe_db_error(exc: BaseException, url: URL | None = None) -> str:
    """One line a person can act on, for a database failure."""
    msg = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    where = url.render_as_string(hide_password=True) if url is not None else "the database"
    low = msg.lower()
    if "file is not a database" in low or "malformed" in low:
        return f"{where} is not a readable eMAR database (the file is damaged or not SQLite)."
    if "readonly" in low or "read-only" in low:
        return f"{where} is read-only: eMAR cannot record anything. Check the file's permissions."
    if "unable to open" in low:
        return f"Cannot open {where}: check the path and permissions."
    if "lock timeout" in low:
        return "Another PC is recording at this moment: nothing was saved. Try again in a moment."
    if "statement timeout" in low:
        return "The database took too long to answer: nothing was saved. Try again."
    if "idle-in-transaction" in low:
        return "This PC waited too long in the middle of a record: nothing was saved. Try again."
    if "connection" in low or "timeout" in low or "could not" in low or "refused" in low:
        return f"Cannot reach the database server ({where}): {msg}"
    return f"Database error ({where}): {msg}"


class Database:
    """An open database: a read engine and a write engine sharing one pool."""

    def __init__(self, text_url: str, *, create: bool = True) -> None:
        self.url = parse_db_url(text_url)
        try:
            if self.is_sqlite:
                self.engine = _sqlite_engine(self.url, create=create)
            else:
                self.engine = _postgres_engine(self.url)
        except NoSuchModuleError as exc:
            raise DatabaseUnavailable(f"Database driver missing: {exc}") from None
        self._write_engine = self.engine.execution_options(**{_IMMEDIATE: True})
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.url.database) if self.is_sqlite and self.url.database else None

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def check(self) -> None:
        """Open a connection and read the schema, so a bad file or server fails here, clearly."""
        try:
            with self.engine.connect() as conn:
                if self.is_sqlite:
                    conn.execute(text("PRAGMA schema_version")).scalar()
                else:
                    conn.execute(text("SELECT 1")).scalar()
        except DBAPIError as exc:
            raise DatabaseUnavailable(describe_db_error(exc, self.url)) from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: rolled back at the end, never blocks a writer."""
        try:
            with self._read_sessions() as session:
                yield session
                session.rollback()
        except DBAPIError as exc:
            raise DatabaseUnavailable(describe_db_error(exc, self.url)) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error.

        When this returns normally the data is on disk (synchronous=FULL / PostgreSQL commit),
        so only then may a caller tell a person "recorded".
        """
        try:
            with self._write_sessions() as session, session.begin():
                yield session
        except DBAPIError as exc:
            if isinstance(exc, IntegrityError):
                raise  # a rule the database enforces; the service turns it into a message
            raise DatabaseUnavailable(describe_db_error(exc, self.url)) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(text_url: str, *, create: bool = True) -> Database:
    db = Database(text_url, create=create)
    db.check()
    return db
