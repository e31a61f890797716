from sqlalchemy import text

from emar.services.residents import count_residents


def test_demo_database_has_residents(demo_db):
    with demo_db.read() as s:
        assert count_residents(s) == 20


def test_schema_database_is_empty(db):
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM resident")).scalar() == 0
