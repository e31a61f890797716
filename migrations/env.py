"""Alembic environment: runs on the connection eMAR hands it (see emar.maintenance.migrate)."""

from alembic import context
from sqlalchemy import create_engine

from emar.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # plain `alembic` command line, e.g. to write a new revision
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///alembic-dev.sqlite"
    with create_engine(url).connect() as conn:
        _run(conn)
