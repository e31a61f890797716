"""PRN limits in elapsed time, symmetric in time (hazard H6): the interval on either side, and
no 24-hour group holding the new dose over the maximum, by line and by ingredient."""

from datetime import timedelta
from decimal import Decimal

from emar.domain.prn import busiest_day, check_prn
from tests.support.facts import PARACETAMOL, at, entry, prn_line

PARA = prn_line()  # 1-2 tablets, 4 h apart, 4 in 24 h
ONE = Decimal(1)


def given(id_: int, when, line_id: int = PARA.id, dose: Decimal = ONE):
    return entry(id=id_, chart_line_id=line_id, administered_at=when, dose_given=dose)


def test_a_dose_too_close_to_one_recorded_after_it_is_blocked_as_one_before_it_is():
    later = [given(1, at(10, 14, 0))]
    before = check_prn(PARA, [PARA], later, at(10, 13, 30), ONE)  # recorded out of order
    after = check_prn(PARA, [PARA], later, at(10, 14, 30), ONE)
    assert [b.kind for b in before.blocks] == ["interval"]
    assert [b.kind for b in after.blocks] == ["interval"]
    assert before.last_given == later[0] and not before.allowed
    assert check_prn(PARA, [PARA], later, at(10, 18, 0), ONE).allowed  # exactly 4 h on


def test_the_maximum_holds_in_any_24_hours_that_contain_the_new_dose():
    doses = [given(i, at(10, h)) for i, h in enumerate((6, 10, 14, 18), 1)]
    assert [b.kind for b in check_prn(PARA, [PARA], doses, at(10, 22), ONE).blocks] == ["count"]
    # 24 hours after the first, the first no longer counts
    assert check_prn(PARA, [PARA], doses, at(11, 6), ONE).allowed
    # a dose put in before the others, out of order, is held to the same count
    assert not check_prn(PARA, [PARA], [*doses[1:], given(9, at(11, 2))], at(10, 6), ONE).allowed


def test_an_ingredient_counts_across_lines_up_to_this_lines_top_dose_maximum():
    cocodamol = prn_line(id=3, medicine="Co-codamol 30/500", prn_min_interval=None,
                         ingredients=(PARACETAMOL,))  # fmt: skip
    doses = [given(i, at(10, h), line_id=3, dose=Decimal(2)) for i, h in enumerate((6, 12), 1)]
    doses += [given(3, at(10, 18), dose=Decimal(2)), given(4, at(10, 21), line_id=3)]
    # 7 tablets of 500 mg since 06:00: one more reaches 4 doses x 2 tablets, two go over
    assert check_prn(PARA, [PARA, cocodamol], doses, at(11, 2), ONE).allowed
    check = check_prn(PARA, [PARA, cocodamol], doses, at(11, 2), Decimal(2))
    assert [b.kind for b in check.blocks] == ["ingredient"]
    assert (check.blocks[0].given, check.blocks[0].ceiling) == (Decimal(3500), Decimal(4000))


def test_busiest_day_is_the_largest_24_hour_group_holding_the_dose():
    day = [(at(10, 6), ONE), (at(10, 20), ONE), (at(11, 5), Decimal(2)), (at(11, 7), ONE)]
    assert busiest_day(day, at(10, 20)) == 4  # 20:00 to 05:00 (and 06:00 to 05:00)
    assert busiest_day(day, at(11, 7)) == 4  # 20:00 to 07:00 next day
    assert busiest_day(day, at(10, 6)) == 4  # 06:00 with 20:00 and 05:00 next day
    assert busiest_day([(at(10, 6), ONE)], at(10, 6) + timedelta(days=2)) == 0
