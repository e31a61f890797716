"""Verifying an intended administration: each rule gives a typed verdict; nothing is written."""

from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest

from emar.domain.synthetic_ids import fake_gtin
from emar.domain.verdict import CheckCode, Severity
from emar.models import ChartLine
from emar.services.round.recording import record_given
from emar.services.round.verification import PackScan, verify
from tests.support.homes import Home, count_entries, dose, local

DAY = date(2026, 6, 10)


@pytest.fixture
def home(home_db):
    return Home(home_db)


def elapsed(t, **delta):
    """Elapsed time: aware arithmetic in a ZoneInfo zone would be wall-clock arithmetic."""
    return t.astimezone(UTC) + timedelta(**delta)


def check(db, intent, now=None):
    before = count_entries(db)
    with db.read() as s:
        verdict = verify(s, intent, now or intent.at)
    assert count_entries(db) == before  # verification never writes
    return verdict


def test_right_pack_right_time_is_a_go(home_db, home):
    v = check(home_db, home.intent("Mary Jones", "Amlodipine", local(DAY, 8, 5)))
    assert v.severity == Severity.OK and not v.blocked
    assert v.headline == "Give 1 tablet of Amlodipine 5 mg tablets oral to Mary Jones."
    assert v.scheduled_at == local(DAY, 8, 0) and v.dose == 1


def test_another_residents_pack_is_a_loud_stop_naming_whose_it_is(home_db, home):
    v = check(home_db, home.intent("Arthur Price", "Amlodipine", local(DAY, 8, 5)))
    assert v.blocked and not v.overridable
    assert v.headline == (
        "STOP: This is Amlodipine 5 mg for Ivy Robinson, Mary Jones, Walter Jackson, "
        "not for Arthur Price."
    )


def test_pack_on_nobodys_chart_and_unknown_pack(home_db, home):
    v = check(
        home_db,
        home.intent(
            "Mary Jones", "Metformin", local(DAY, 8, 5), pack=PackScan(home.gtins["Co-careldopa"])
        ),
    )
    assert v.blocks[0].code == CheckCode.WRONG_RESIDENT
    v = check(
        home_db, home.intent("Mary Jones", None, local(DAY, 8, 5), pack=PackScan(fake_gtin(424242)))
    )
    assert v.blocks[0].code == CheckCode.UNKNOWN_PACK and "not in the medicine catalogue" in (
        v.headline
    )
    v = check(
        home_db, home.intent("Mary Jones", None, local(DAY, 8, 5), pack=PackScan("5012345678901"))
    )
    assert v.blocks[0].code == CheckCode.UNKNOWN_PACK and "check digit" in v.headline


def test_dose_must_be_chosen_and_within_the_range(home_db, home):
    at = local(DAY, 18, 0)
    v = check(home_db, home.intent("Edith Baker", "Warfarin", at))
    assert v.blocks[0].code == CheckCode.DOSE_CHOICE and "2-4 tablets" in v.headline
    v = check(home_db, home.intent("Edith Baker", "Warfarin", at, dose=dose("5")))
    assert v.blocks[0].code == CheckCode.DOSE
    assert v.headline == "STOP: 5 tablets is outside the prescribed 2-4 tablets."
    assert not check(home_db, home.intent("Edith Baker", "Warfarin", at, dose=dose("3"))).blocked


def test_wrong_route_is_refused(home_db, home):
    v = check(home_db, home.intent("Mary Jones", "Amlodipine", local(DAY, 8, 5), route="topical"))
    assert v.blocks[0].code == CheckCode.ROUTE


def test_early_is_a_block_a_senior_may_override_and_late_is_a_warning(home_db, home):
    early = check(home_db, home.intent("Mary Jones", "Amlodipine", local(DAY, 6, 40)))
    assert early.blocks[0].code == CheckCode.EARLY and early.overridable
    assert "window opens in 20 min" in early.headline
    late = check(home_db, home.intent("Mary Jones", "Amlodipine", local(DAY, 9, 25)))
    assert not late.blocked and late.warnings[0].code == CheckCode.LATE
    assert late.warnings[0].message == "Late: due at 08:00, 25 min after the window."
    tc = check(home_db, home.intent("John Smith", "Co-careldopa", local(DAY, 7, 45)))
    assert "TIME-CRITICAL" in tc.warnings[0].message


def test_already_given_names_who_and_when(home_db, home):
    with home_db.write() as s:
        record_given(
            s, home.intent("Mary Jones", "Amlodipine", local(DAY, 8, 2), by="ben"), local(DAY, 8, 2)
        )
    v = check(home_db, home.intent("Mary Jones", "Amlodipine", local(DAY, 8, 20)))
    assert v.blocks[0].code == CheckCode.ALREADY and not v.overridable
    assert v.headline == "STOP: Already given by Ben Osei at 08:02."


def test_prn_interval_and_maximum(home_db, home):
    t0 = local(DAY, 6, 0)
    with home_db.write() as s:
        record_given(
            s,
            home.intent("Mary Jones", "Paracetamol", t0, dose=dose("2")),
            t0,
            prn_reason="Headache",
        )
    soon = check(
        home_db, home.intent("Mary Jones", "Paracetamol", t0 + timedelta(hours=3), dose=dose("2"))
    )
    assert soon.blocks[0].code == CheckCode.PRN_INTERVAL and soon.overridable
    assert soon.headline == (
        "STOP: Too soon: Paracetamol 500 mg tablets was given at 06:00 by Amy Carter; "
        "next Paracetamol 500 mg tablets allowed at 10:00."
    )
    t = t0
    for _ in range(3):
        t += timedelta(hours=4)
        with home_db.write() as s:
            record_given(
                s,
                home.intent("Mary Jones", "Paracetamol", t, dose=dose("2")),
                t,
                prn_reason="Headache",
            )
    fifth = check(
        home_db, home.intent("Mary Jones", "Paracetamol", t + timedelta(hours=4), dose=dose("1"))
    )
    codes = {c.code for c in fifth.blocks}
    assert CheckCode.PRN_MAXIMUM in codes
    assert any(
        "4 of 4 doses" in c.message and "next allowed at Thu 06:00" in c.message
        for c in fifth.blocks
    )


def test_same_ingredient_on_two_lines_counts_together(home_db, home):
    # Arthur: co-codamol 30/500 (2 tablets = 1 g paracetamol) and paracetamol 500 mg PRN.
    t = local(DAY, 0, 0)
    for _ in range(3):
        with home_db.write() as s:
            record_given(
                s,
                home.intent("Arthur Price", "Co-codamol", t, dose=dose("2")),
                t,
                prn_reason="Pain",
                witness=home.sign("ben"),
            )
        t += timedelta(hours=5)
    # 3 g of paracetamol given; 2 more tablets (1 g) fits the 4 g ceiling, 1 tablet after that not
    ok = check(home_db, home.intent("Arthur Price", "Paracetamol", t, dose=dose("2")))
    assert not ok.blocked, ok.headline
    with home_db.write() as s:
        record_given(
            s, home.intent("Arthur Price", "Paracetamol", t, dose=dose("2")), t, prn_reason="Pain"
        )
    over = check(
        home_db, home.intent("Arthur Price", "Paracetamol", t + timedelta(hours=5), dose=dose("1"))
    )
    # the daily maximum says it, once (the PRN line's own ingredient ceiling is not repeated)
    assert [(c.code, c.message) for c in over.blocks] == [
        (
            CheckCode.DAILY_MAXIMUM,
            "Paracetamol daily maximum: 4 g given in 24 hours (4 doses); this 0.5 g would make "
            "4.5 g (maximum 4 g for an adult); next allowed at Thu 00:00. "
            "Do not give; ask a senior.",
        )
    ]
    assert over.overridable


def test_prn_interval_across_the_repeated_hour_is_elapsed_time(home_db, home):
    night = date(2026, 10, 25)  # 02:00 BST -> 01:00 GMT
    given_at = local(night, 0, 45)  # 00:45 BST = 23:45 UTC
    with home_db.write() as s:
        record_given(
            s,
            home.intent("Mary Jones", "Paracetamol", given_at, dose=dose("1")),
            given_at,
            prn_reason="Pain",
        )
    v = check(
        home_db,
        home.intent("Mary Jones", "Paracetamol", elapsed(given_at, hours=3), dose=dose("1")),
    )
    # 3 elapsed hours later the wall clock reads 02:45 GMT; next allowed 03:45 GMT, not 04:45
    assert "next Paracetamol 500 mg tablets allowed at 03:45" in v.headline


def test_allergy_conflict_is_a_stop(home_db, home):
    # Margaret Clarke is allergic to penicillin; chart her amoxicillin directly to test the rule.
    with home_db.write() as s:
        albert = s.get(ChartLine, home.line("Albert Turner", "Amoxicillin"))
        s.add(
            ChartLine(
                resident_id=home.residents["Margaret Clarke"],
                medicine_id=albert.medicine_id,
                dose_min=Decimal(1),
                dose_max=Decimal(1),
                dose_unit="capsule",
                route="oral",
                timing="times_of_day",
                times_of_day="08:00",
                starts_at=albert.starts_at,
                prescriber="Dr X",
                source="GP letter",
                transcribed_by_id=home.staff["nina"],
            )
        )
    v = check(home_db, home.intent("Margaret Clarke", "Amoxicillin", local(DAY, 8, 0)))
    codes = [c.code for c in v.blocks]
    assert CheckCode.ALLERGY in codes
    assert CheckCode.LINE_STATUS in codes  # and it is still pending a second check
    allergy = next(c for c in v.blocks if c.code == CheckCode.ALLERGY)
    assert allergy.message.startswith("ALLERGY: Margaret Clarke is allergic to Penicillin")


def test_expired_pack_is_refused(home_db, home):
    pack = home.pack("Amlodipine", batch="B1", expiry=date(2026, 5, 31))
    v = check(home_db, home.intent("Mary Jones", None, local(DAY, 8, 0), pack=pack))
    assert v.blocks[0].code == CheckCode.EXPIRED and "expired on 31 May 2026" in v.headline


def test_controlled_drug_needs_a_witness(home_db, home):
    v = check(home_db, home.intent("Arthur Price", "Oxycodone", local(DAY, 8, 0), dose=dose("5")))
    assert v.needs_witness and not v.blocked
    assert any(c.code == CheckCode.WITNESS for c in v.warnings)


def test_stopped_line_is_refused_with_its_reason(home_db, home):
    from emar.models import ChartLineEvent

    with home_db.write() as s:
        s.add(
            ChartLineEvent(
                chart_line_id=home.line("Mary Jones", "Amlodipine"),
                kind="stopped",
                effective_at=local(DAY, 7, 0),
                reason="BP low: GP review",
                staff_id=home.staff["nina"],
            )
        )
    v = check(home_db, home.intent("Mary Jones", "Amlodipine", local(DAY, 8, 0)))
    assert v.blocks[0].code == CheckCode.LINE_STATUS
    assert "stopped: BP low: GP review" in v.headline


@pytest.mark.parametrize("who", ["phil", "sam"])
def test_roles_that_may_not_administer(home_db, home, who):
    v = check(home_db, home.intent("Mary Jones", "Amlodipine", local(DAY, 8, 0), by=who))
    assert v.blocks[0].code == CheckCode.ROLE


def test_times_in_the_future_or_long_past_are_refused(home_db, home):
    now = local(DAY, 8, 0)
    v = check(home_db, home.intent("Mary Jones", "Amlodipine", now + timedelta(days=30)), now)
    assert v.blocks[0].code == CheckCode.TIME_INVALID and "future" in v.headline
    v = check(home_db, home.intent("Mary Jones", "Amlodipine", now - timedelta(days=8)), now)
    assert v.blocks[0].code == CheckCode.TIME_INVALID and "7 days" in v.headline
    v = check(home_db, home.intent("Mary Jones", "Amlodipine", now - timedelta(days=3)), now)
    assert not v.has(CheckCode.TIME_INVALID) and v.has(CheckCode.LATE_ENTRY)


def test_an_entry_made_afterwards_is_a_late_entry(home_db, home):
    now = local(DAY, 9, 30)
    v = check(home_db, home.intent("Mary Jones", "Amlodipine", local(DAY, 8, 5)), now)
    assert not v.blocked and v.has(CheckCode.LATE_ENTRY) and "given at 08:05" in str(v.checks)
    v = check(home_db, home.intent("Mary Jones", "Amlodipine", now - timedelta(minutes=4)), now)
    assert not v.has(CheckCode.LATE_ENTRY)  # a few minutes is not late


def test_unknown_resident(home_db, home):
    from emar.services.round.verification import Intent

    v = check(
        home_db, Intent(999_999, home.staff["amy"], local(DAY, 8, 0), pack=home.pack("Amlodipine"))
    )
    assert v.blocks[0].code == CheckCode.RESIDENT and "Unknown resident" in v.headline


def test_choosing_another_residents_line_without_a_scan(home_db, home):
    v = check(
        home_db,
        home.intent(
            "Arthur Price",
            None,
            local(DAY, 8, 0),
            chart_line_id=home.line("Mary Jones", "Amlodipine"),
        ),
    )
    assert v.headline == "STOP: That medicine is on Mary Jones's chart, not Arthur Price's."


def _give_prn(db, home, at, now, **kwargs):
    with db.write() as s:
        return record_given(
            s,
            home.intent("Mary Jones", "Paracetamol", at, dose=dose("1")),
            now,
            prn_reason="Headache",
            **kwargs,
        )


def test_prn_interval_holds_for_doses_stamped_out_of_order(home_db, home):
    """Two PCs whose clocks differ: 14:00:00.5, then 14:00:00.0, then 13:30 (a late entry)."""
    from emar.services.round.recording import Blocked

    now = local(DAY, 14, 1)
    _give_prn(home_db, home, local(DAY, 14, 0) + timedelta(milliseconds=500), now)
    with pytest.raises(Blocked, match="Too soon"):
        _give_prn(home_db, home, local(DAY, 14, 0), now)
    with pytest.raises(Blocked, match="Too soon: Paracetamol 500 mg tablets was given at 14:00"):
        _give_prn(home_db, home, local(DAY, 13, 30), now, late_entry_reason="paper chart")
    # the next allowed time is after the later dose, not after the earlier stamp
    v = check(home_db, home.intent("Mary Jones", "Paracetamol", local(DAY, 12, 0)), now)
    assert v.blocks[0].code == CheckCode.PRN_INTERVAL and "allowed at 18:00" in v.headline


def test_no_24_hour_window_holding_a_dose_goes_over_the_maximum(home_db, home):
    """Four doses 14:00-02:00 (4-hourly), then one slipped in at 10:00, before them: the window
    10:00-10:00 would hold five."""
    from emar.services.round.recording import Blocked

    t = local(DAY, 14, 0)
    for i in range(4):
        at = t + timedelta(hours=4 * i)
        _give_prn(home_db, home, at, at)
    now = t + timedelta(hours=12, minutes=1)
    v = check(home_db, home.intent("Mary Jones", "Paracetamol", local(DAY, 10, 0)), now)
    assert CheckCode.PRN_MAXIMUM in {c.code for c in v.blocks}
    with pytest.raises(Blocked, match="Limit reached"):
        _give_prn(home_db, home, local(DAY, 10, 0), now, late_entry_reason="paper chart")
    # 24 hours after the first of them it is allowed again
    ok = check(home_db, home.intent("Mary Jones", "Paracetamol", t + timedelta(hours=24)), now)
    assert not ok.has(CheckCode.PRN_MAXIMUM) and not ok.has(CheckCode.PRN_INTERVAL)
