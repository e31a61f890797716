"""PostgreSQL: ward PCs connect as a role that may read and add records but cannot change or
remove them or their safeguards (the owner role, which could, stays off the ward)."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from emar.cli import main
from emar.infra.db import open_database
from emar.services.audit.verify import verify_trail
from emar.services.round.recording import record_given
from tests.support.homes import Home, local

AT = local(date(2026, 6, 10), 8, 5)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_the_ward_role_records_but_cannot_rewrite_history(home_db, pg_server, capsys):
    owner_url = home_db.url.render_as_string(hide_password=False)
    with psycopg.connect(
        host="127.0.0.1", port=pg_server.port, user=pg_server.user, dbname="postgres",
        autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute("DROP ROLE IF EXISTS emar_ward_t")
        admin.execute("CREATE ROLE emar_ward_t LOGIN")
    assert main(["--db", owner_url, "init", "--ward-role", "emar_ward_t"]) == 0
    assert "Ward PCs connect as emar_ward_t" in capsys.readouterr().out
    ward_url = owner_url.replace(f"//{pg_server.user}@", "//emar_ward_t@")
    ward = open_database(ward_url)
    home = Home(ward)
    with ward.write() as s:  # the round works as the ward role
        record_given(s, home.intent("Mary Jones", "Amlodipine", AT), AT)
    conninfo = dict(
        host="127.0.0.1", port=pg_server.port, user="emar_ward_t", dbname=home_db.url.database
    )
    refused = {
        "UPDATE administration SET dose_given = 2": "permission denied",
        "DELETE FROM administration": "permission denied",
        "DELETE FROM audit_event": "permission denied",
        "TRUNCATE audit_event": "permission denied",
        "ALTER TABLE administration DISABLE TRIGGER ALL": "must be owner",
        "DROP TRIGGER administration_append_only ON administration": "must be owner",
        "SET session_replication_role = replica": "permission denied",
        "CREATE TABLE sneaky (x int)": "permission denied",
        "UPDATE alembic_version SET version_num = '0001'": "permission denied",
    }
    for sql, why in refused.items():
        with psycopg.connect(**conninfo) as conn, pytest.raises(psycopg.Error, match=why):
            conn.execute(sql)
    with ward.read() as s:
        assert verify_trail(s).ok
    ward.dispose()
