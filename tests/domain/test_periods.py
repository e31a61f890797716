"""The periods reports and charts cover by default, from local days."""

from datetime import UTC, datetime, timedelta

from emar.domain.periods import MAR_DAYS, days_after, days_from_today, last_days
from tests.support.facts import LONDON, at


def test_the_last_28_days_and_28_days_from_today():
    assert MAR_DAYS == 28
    assert last_days(at(10, 15), LONDON) == (at(14, 0, month=5), at(11, 0))
    assert days_from_today(at(10, 15), LONDON) == (at(10, 0), at(8, 0, month=7))
    assert last_days(at(10, 15), LONDON, days=1) == (at(10, 0), at(11, 0))
    start, end = days_from_today(datetime(2026, 3, 20, 12, tzinfo=UTC), LONDON)
    assert (start, end) == (
        datetime(2026, 3, 20, 0, tzinfo=UTC),
        datetime(2026, 4, 16, 23, tzinfo=UTC),  # midnight BST
    )


def test_28_days_after_a_day_are_28_local_days_across_the_autumn_change():
    start = datetime(2026, 10, 9, 23, tzinfo=UTC)  # midnight BST, 10 October
    assert days_after(start, LONDON) == datetime(2026, 11, 7, 0, tzinfo=UTC)  # midnight GMT
    assert days_after(start, LONDON) - start != timedelta(days=MAR_DAYS)
