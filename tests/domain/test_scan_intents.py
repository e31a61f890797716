"""What a scan is for, on the round and on the stock and catalogue screens."""

import pytest

from emar.domain.scan_intents import (
    BOOK_IN_WANTS_PACK,
    READ_ONLY,
    RESIDENT_FIRST,
    SIGN_IN_FIRST,
    RoundScreen,
    RoundUse,
    dose_scan,
    office_takes,
    pack_gtin,
    round_use,
)

SIGNED_OUT = RoundScreen(
    signed_in=False,
    on_sign_in_page=True,
    witness_wanted=False,
    resident_open=False,
    can_administer=False,
)
CARER = RoundScreen(
    signed_in=True,
    on_sign_in_page=False,
    witness_wanted=False,
    resident_open=True,
    can_administer=True,
)


def use(kind, screen, label="12", problem="Not understood"):
    return round_use(kind, label, problem, screen)


def test_a_badge_signs_in_on_the_sign_in_screen_and_witnesses_when_a_witness_is_wanted():
    assert use("staff", SIGNED_OUT).use == RoundUse.ASK_PIN
    witnessing = RoundScreen(True, False, True, True, True)
    assert use("staff", witnessing).use == RoundUse.WITNESS
    assert use("staff", CARER).use == RoundUse.IGNORE  # mid-round, a badge changes nothing


@pytest.mark.parametrize("kind", ["resident", "pack", "pack_label", "unknown"])
def test_nothing_but_a_badge_is_taken_before_signing_in(kind):
    found = use(kind, SIGNED_OUT)
    assert (found.use, found.message) == (RoundUse.REFUSE, SIGN_IN_FIRST)


def test_a_resident_label_opens_the_resident_and_a_malformed_one_is_ignored():
    assert use("resident", CARER, label="7").use == RoundUse.OPEN_RESIDENT
    assert use("resident", CARER, label="7x").use == RoundUse.IGNORE
    assert use("resident", CARER, label=None).use == RoundUse.IGNORE


@pytest.mark.parametrize("kind", ["pack", "pack_label"])
def test_a_pack_is_checked_only_for_someone_who_may_give_with_a_resident_open(kind):
    assert use(kind, CARER).use == RoundUse.GIVE
    no_resident = RoundScreen(True, False, False, False, True)
    assert (use(kind, no_resident).use, use(kind, no_resident).message) == (
        RoundUse.REFUSE,
        RESIDENT_FIRST,
    )
    viewer = RoundScreen(True, False, False, True, False)
    assert use(kind, viewer).message == READ_ONLY


def test_a_scan_not_understood_says_why():
    found = use("unknown", CARER, problem="Unreadable: scan again")
    assert (found.use, found.message) == (RoundUse.REFUSE, "Unreadable: scan again")


def test_the_stock_and_catalogue_screens_leave_badges_and_residents_to_the_round():
    assert not office_takes("staff")
    assert not office_takes("resident")
    assert office_takes("pack") and office_takes("pack_label") and office_takes("unknown")


def test_booking_in_needs_a_manufacturers_pack():
    assert pack_gtin("pack", "05012345678900", None, BOOK_IN_WANTS_PACK) == ("05012345678900", "")
    assert pack_gtin("pack_label", None, None, BOOK_IN_WANTS_PACK) == (None, BOOK_IN_WANTS_PACK)
    assert pack_gtin("unknown", None, "Cut short", BOOK_IN_WANTS_PACK) == (None, "Cut short")


def test_a_pack_gives_its_gtin_and_a_booked_in_label_its_chart_line():
    assert dose_scan("pack", "05012345678900", None).gtin == "05012345678900"
    label = dose_scan("pack_label", None, "42")
    assert (label.gtin, label.line_id) == (None, 42)
    assert dose_scan("pack_label", None, "4x2").line_id is None  # not a line number
    assert dose_scan("resident", None, "42") == dose_scan("unknown", None, None)
