"""A scanned pack's chart line: the same rule for booking stock in as for the round."""

from datetime import date
from decimal import Decimal

import pytest

from emar.domain.synthetic_ids import fake_gtin
from emar.errors import ValidationError
from emar.services.charts.editing import LineForm, add_chart_line, check_chart_line, stop_line
from emar.services.charts.packs import medicines_for_gtin, pack_line
from emar.services.round.verification import verify
from tests.support.homes import Home, local

DAY = date(2026, 6, 10)
AT = local(DAY, 9, 0)


def test_a_pack_books_in_to_the_line_the_round_would_give_it_from(home_db):
    home = Home(home_db)
    active = home.line("Mary Jones", "Amlodipine")
    with home_db.write() as s:  # a newer line for the same medicine, then stopped
        medicine = next(iter(medicines_for_gtin(s, home.gtins["Amlodipine"])))
        form = LineForm(medicine, Decimal(1), Decimal(1), "times_of_day", AT, "Dr A", "GP",
                        times_of_day="20:00")  # fmt: skip
        newer = add_chart_line(s, home.staff["nina"], home.residents["Mary Jones"], form)
        check_chart_line(s, home.sign("ben"), newer, AT)
        stop_line(s, home.staff["nina"], newer, "duplicate", AT)
    assert newer > active
    with home_db.read() as s:
        found = pack_line(s, home.residents["Mary Jones"], home.gtins["Amlodipine"], AT)
        verdict = verify(s, home.intent("Mary Jones", "Amlodipine", AT), AT)
    assert found == (active, "Amlodipine 5 mg tablets")
    assert verdict.line is not None and verdict.line.id == active


def test_an_unknown_pack_or_another_residents_has_no_line_and_a_non_gtin_is_refused(home_db):
    home = Home(home_db)
    mary = home.residents["Mary Jones"]
    with home_db.read() as s:
        assert pack_line(s, mary, fake_gtin(999), AT) is None
        assert pack_line(s, mary, home.gtins["Oxycodone"], AT) is None  # Arthur's, not Mary's
        with pytest.raises(ValidationError):
            medicines_for_gtin(s, "12345")
