"""Homely remedies under a GP's protocol, by hand-worked examples: the authorisation in force
(not withdrawn, started, not past its review date) and the maximum duration (48 hours) counted
from the first dose of the current episode, a day with no dose ending an episode."""

from datetime import UTC, date, datetime, timedelta

from emar.domain.homely_remedies import Authorisation, check_homely, episode_start
from emar.domain.rights.homely_remedy import homely_checks
from emar.domain.verdict import CheckCode, Severity

H48 = timedelta(hours=48)
AUTH = Authorisation(
    remedy="Paracetamol 500 mg tablets",
    gp_name="Dr Shah",
    authorised_on=date(2026, 6, 1),
    review_date=date(2026, 12, 1),
    max_duration=H48,
)


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC)


def test_no_authorisation_is_refused():
    refusal = check_homely(None, [], t(10, 9), date(2026, 6, 10))
    assert refusal is not None and refusal.kind == "none"
    assert "No homely remedy authorisation" in refusal.message


def test_a_first_dose_inside_the_authorisation_is_allowed():
    assert check_homely(AUTH, [], t(10, 9), date(2026, 6, 10)) is None


def test_on_the_review_date_it_may_be_given_the_day_after_it_may_not():
    assert check_homely(AUTH, [], t(1, 9), date(2026, 12, 1)) is None
    refusal = check_homely(AUTH, [], t(2, 9), date(2026, 12, 2))
    assert refusal is not None and refusal.kind == "review"
    assert refusal.message == (
        "The homely remedy authorisation for Paracetamol 500 mg tablets was due for review on "
        "01/12/2026: ask Dr Shah to review it before giving."
    )


def test_before_it_starts_and_after_it_is_withdrawn_it_is_refused():
    assert check_homely(AUTH, [], t(1, 9), date(2026, 5, 31)).kind == "not yet"  # type: ignore[union-attr]
    withdrawn = Authorisation(
        AUTH.remedy, AUTH.gp_name, AUTH.authorised_on, AUTH.review_date, H48, withdrawn=True
    )
    assert check_homely(withdrawn, [], t(10, 9), date(2026, 6, 10)).kind == "withdrawn"  # type: ignore[union-attr]


def test_the_episode_starts_at_its_first_dose_and_a_day_without_one_ends_it():
    # doses 10th 08:00, 14:00, 11th 06:00 (16 h gap), then a gap of 30 h, then 12th 12:00
    doses = [t(10, 8), t(10, 14), t(11, 6), t(12, 12)]
    assert episode_start(doses, t(12, 18)) == t(12, 12)  # 11th 06:00 -> 12th 12:00 is 30 h
    assert episode_start(doses, t(11, 10)) == t(10, 8)
    assert episode_start(doses, t(13, 12)) is None  # 24 h exactly after the last: a new one
    assert episode_start([], t(10, 8)) is None


def test_48_hours_from_the_first_dose_the_carer_is_told_to_contact_the_gp():
    # every 6 hours from 10th 08:00: 08, 14, 20, 02 ... the 12th 08:00 is 48 h after the first
    doses = [t(10, 8) + timedelta(hours=6 * i) for i in range(8)]  # up to 12th 02:00
    assert check_homely(AUTH, doses, t(12, 7, 59), date(2026, 6, 12)) is None  # 47h59
    refusal = check_homely(AUTH, doses, t(12, 8), date(2026, 6, 12))
    assert refusal is not None and refusal.kind == "duration"
    assert refusal.message.startswith("Contact the GP: homely remedy given for 48 hours")
    assert refusal.message.endswith(
        "Not to be given again under the protocol in this episode (until a full day has passed "
        "without a dose): tell Dr Shah now."
    )
    # still refused later the same episode (the last dose was 12th 02:00, under 24 h before)
    assert check_homely(AUTH, doses, t(13, 1), date(2026, 6, 13)).kind == "duration"  # type: ignore[union-attr]


def test_a_need_after_a_full_day_without_a_dose_is_a_new_episode():
    doses = [t(10, 8), t(10, 20)]  # last dose 10th 20:00
    assert check_homely(AUTH, doses, t(11, 20), date(2026, 6, 11)) is None  # 24 h later


def test_the_check_is_a_stop_no_one_overrides():
    [check] = homely_checks(None, [], t(10, 9), date(2026, 6, 10))
    assert check.code == CheckCode.HOMELY_REMEDY
    assert check.severity == Severity.BLOCK
    assert not check.overridable
    assert homely_checks(AUTH, [], t(10, 9), date(2026, 6, 10)) == []
