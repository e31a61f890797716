"""Stock signals worked by hand (issue 18, part 5). Now is Tuesday 1 December 2026, 10:00 in
London (GMT); the next cycle starts on Monday 7 December. Doses are listed by hand: twice
daily at 08:00 and 20:00, or once daily at 08:00, one tablet each."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from emar.domain.stock_signals import Kind, LineStock, Pack, in_hand, stock_signals
from tests.support.facts import LONDON

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
NEXT = date(2026, 12, 7)
ONE = Decimal(1)


def at(d: int, hh: int, month: int = 12) -> datetime:
    return datetime.combine(date(2026, month, d), time(hh), LONDON)


# 1 Dec 20:00, then 08:00 and 20:00 each day 2 Dec .. 31 Dec
TWICE = [(at(1, 20), ONE)] + [(at(d, h), ONE) for d in range(2, 32) for h in (8, 20)]
# 08:00 each day 2 Dec .. 31 Dec (today's 08:00 has passed)
ONCE = [(at(d, 8), ONE) for d in range(2, 32)]


def stock(**kw) -> LineStock:
    base = dict(
        status="active",
        is_prn=False,
        dose_unit="tablet",
        tracked=True,
        balance=Decimal(0),
        cycle_need=Decimal(56),
        doses_due=TWICE,
        packs=(),
    )
    base.update(kw)
    return LineStock(**base)  # type: ignore[arg-type]


def kinds(line: LineStock, next_delivery: date | None = NEXT) -> list[Kind]:
    return [s.kind for s in stock_signals(line, NOW, LONDON, next_delivery)]


def test_stock_not_tracked_at_all_gives_no_signal_not_a_false_short():
    assert stock_signals(stock(tracked=False), NOW, LONDON, NEXT) == []


def test_short_says_when_it_runs_out_and_by_how_many():
    # due before Mon 7 Dec: 1 Dec 20:00 + 5 days (2..6 Dec) x 2 = 11; 5 in stock: the 6th
    # dose (Fri 4 Dec 08:00) cannot be given
    (short,) = stock_signals(stock(balance=Decimal(5)), NOW, LONDON, NEXT)
    assert (short.kind, short.quantity, short.when) == (Kind.SHORT, 6, date(2026, 12, 4))
    assert short.text == (
        "Runs out Fri 4 Dec: 5 tablets in stock, 11 tablets due before the next cycle starts "
        "on Mon 7 Dec. Order more now."
    )


def test_exactly_enough_until_the_delivery_is_not_short():
    assert kinds(stock(balance=Decimal(11))) == []


def test_none_in_stock_runs_out_today():
    (short,) = stock_signals(stock(balance=Decimal(0)), NOW, LONDON, NEXT)
    assert short.when == date(2026, 12, 1) and short.quantity == 11
    assert short.text.startswith("Runs out today (Tue 1 Dec): none in stock, 11 tablets due")


def test_with_no_cycle_known_short_looks_seven_days_ahead():
    # 1 Dec 20:00 + 2..8 Dec x 2 = 15 doses
    (short,) = stock_signals(stock(balance=Decimal(14)), NOW, LONDON, None)
    assert short.quantity == 1 and short.when == date(2026, 12, 8)
    assert "15 tablets due in the next 7 days" in short.text
    assert kinds(stock(balance=Decimal(15)), None) == []


def test_exactly_two_cycles_is_not_over_stock_one_more_is():
    assert kinds(stock(balance=Decimal(112))) == []
    (over,) = stock_signals(stock(balance=Decimal(113)), NOW, LONDON, NEXT)
    assert (over.kind, over.quantity) == (Kind.OVER_STOCK, 1)
    assert over.text == (
        "Over-stocked: 113 tablets in stock, more than two cycles' supply (56 tablets a "
        "cycle). Order less next cycle, or return the surplus."
    )


def test_prn_over_stock_is_from_recent_use_and_none_without_history():
    prn = dict(is_prn=True, doses_due=())
    assert kinds(stock(balance=Decimal(500), cycle_need=None, **prn)) == []
    (over,) = stock_signals(
        stock(balance=Decimal(57), cycle_need=Decimal(28), **prn), NOW, LONDON, NEXT
    )
    assert over.kind == Kind.OVER_STOCK and over.quantity == 1
    assert "(28 tablets used a cycle lately)" in over.text


def test_one_whole_pack_is_never_over_stock():
    # an inhaler of 200 puffs for 16 puffs a cycle: two cycles are 32, but nobody can hold less
    # than the one inhaler; a second one is over-stock by what passes the pack
    prn = dict(is_prn=True, doses_due=(), cycle_need=Decimal(16), pack_size=200)
    assert kinds(stock(balance=Decimal(200), **prn)) == []
    (over,) = stock_signals(stock(balance=Decimal(384), **prn), NOW, LONDON, NEXT)
    assert (over.kind, over.quantity) == (Kind.OVER_STOCK, 184)


def test_prn_short_at_the_recent_rate_of_use():
    # 28 a cycle = 1 a day; 6 days to Mon 7 Dec -> about 6 needed; 3 last to about Fri 4 Dec
    (short,) = stock_signals(
        stock(balance=Decimal(3), cycle_need=Decimal(28), is_prn=True, doses_due=()),
        NOW,
        LONDON,
        NEXT,
    )
    assert (short.kind, short.quantity, short.when) == (Kind.SHORT, 3, date(2026, 12, 4))
    assert short.text.startswith("Runs out about Fri 4 Dec at the recent rate of use")


def test_stopped_today_with_stock_is_to_return_and_nothing_else():
    stopped = stock(status="stopped", balance=Decimal(20), doses_due=())
    (signal,) = stock_signals(stopped, NOW, LONDON, NEXT)
    assert (signal.kind, signal.quantity) == (Kind.STOPPED_IN_STOCK, 20)
    assert signal.text == (
        "The line is stopped, with 20 tablets still in stock: do not give it; return it to the "
        "pharmacy or dispose of it."
    )
    assert kinds(stock(status="ended", balance=Decimal(0), doses_due=())) == []


def test_expiry_exactly_thirty_days_ahead_counts_thirty_one_does_not():
    # suspended: nothing will be used; 31 Dec is 30 days after 1 Dec
    held = dict(status="suspended", doses_due=(), balance=Decimal(28))
    (signal,) = stock_signals(
        stock(packs=[Pack(Decimal(28), date(2026, 12, 31), "B7")], **held), NOW, LONDON, NEXT
    )
    assert (signal.kind, signal.quantity, signal.when) == (
        Kind.EXPIRING,
        28,
        date(2026, 12, 31),
    )
    assert signal.text == (
        "28 tablets (batch B7) expire Thu 31 Dec, before they will be used: use them first, "
        "or return them, and order less."
    )
    assert kinds(stock(packs=[Pack(Decimal(28), date(2027, 1, 1))], **held)) == []


def test_an_expiring_pack_used_up_before_it_expires_is_not_flagged():
    # once daily: 30 doses from 2 to 31 Dec use all 28 of the pack expiring 31 Dec
    line = stock(
        balance=Decimal(28),
        cycle_need=Decimal(28),
        doses_due=ONCE,
        packs=[Pack(Decimal(28), date(2026, 12, 31))],
    )
    assert kinds(line) == []


def test_first_expiring_first_only_the_part_left_at_expiry_is_flagged():
    # received 28 expiring Thu 10 Dec (A) and 28 expiring 31 Jan (B); 40 left: the 16 used
    # came from A, so 12 of A are in hand. Doses 2..10 Dec (9) use 9 of them: 3 expire.
    packs = [Pack(Decimal(28), date(2027, 1, 31), "B"), Pack(Decimal(28), date(2026, 12, 10), "A")]
    assert in_hand(packs, Decimal(40)) == [
        Pack(Decimal(12), date(2026, 12, 10), "A"),
        Pack(Decimal(28), date(2027, 1, 31), "B"),
    ]
    line = stock(balance=Decimal(40), cycle_need=Decimal(28), doses_due=ONCE, packs=packs)
    (signal,) = stock_signals(line, NOW, LONDON, NEXT)
    assert (signal.kind, signal.quantity, signal.when) == (Kind.EXPIRING, 3, date(2026, 12, 10))
    assert signal.text.startswith("3 tablets (batch A) expire Thu 10 Dec")


def test_an_expired_pack_in_hand_is_flagged_do_not_give():
    line = stock(
        balance=Decimal(10),
        cycle_need=Decimal(2),  # not over-stocked by much: 10 > 4 but that is its own signal
        doses_due=ONCE,
        packs=[Pack(Decimal(10), date(2026, 11, 30))],
    )
    signals = stock_signals(line, NOW, LONDON, NEXT)
    expired = [s for s in signals if s.kind == Kind.EXPIRING]
    assert [(s.quantity, s.when) for s in expired] == [(10, date(2026, 11, 30))]
    assert expired[0].text == (
        "10 tablets expired on Mon 30 Nov: do not give them; dispose of them."
    )


def test_stock_beyond_what_was_received_has_no_known_expiry_and_is_not_flagged():
    packs = [Pack(Decimal(5), date(2026, 12, 3))]
    assert in_hand(packs, Decimal(50)) == [
        Pack(Decimal(5), date(2026, 12, 3)),
        Pack(Decimal(45), None),
    ]
    # once daily: 2 and 3 Dec use 2 of the 5 expiring on 3 Dec; 3 are flagged
    line = stock(balance=Decimal(50), cycle_need=Decimal(28), doses_due=ONCE, packs=packs)
    assert [(s.kind, s.quantity) for s in stock_signals(line, NOW, LONDON, NEXT)] == [
        (Kind.EXPIRING, 3)
    ]


def test_short_and_over_stock_are_for_active_lines_only():
    assert kinds(stock(status="suspended", balance=Decimal(0), doses_due=())) == []
    assert kinds(stock(status="pending", balance=Decimal(500))) == []


def test_doses_before_now_do_not_count():
    earlier = [(NOW - timedelta(hours=2), ONE)] * 50
    assert kinds(stock(balance=Decimal(11), doses_due=earlier + TWICE)) == []


def test_a_pack_expiring_before_the_delivery_runs_out_early_and_says_why():
    # 10 in one pack expiring Fri 4 Dec; once daily 2..6 Dec = 5 due: 2, 3 and 4 Dec are
    # given from it, 7 expire, nothing for Sat 5 Dec: short by 2
    line = stock(
        balance=Decimal(10),
        cycle_need=Decimal(28),
        doses_due=ONCE,
        packs=[Pack(Decimal(10), date(2026, 12, 4))],
    )
    short, expiring = stock_signals(line, NOW, LONDON, NEXT)
    assert (short.kind, short.quantity, short.when) == (Kind.SHORT, 2, date(2026, 12, 5))
    assert short.text == (
        "Runs out Sat 5 Dec: 10 tablets in stock (7 go out of date first), 5 tablets due "
        "before the next cycle starts on Mon 7 Dec. Order more now."
    )
    assert (expiring.kind, expiring.quantity) == (Kind.EXPIRING, 7)


def test_an_expired_pack_does_not_count_against_short():
    # 10 expired on Mon 30 Nov, 2 more of no known expiry: 2 Dec and 3 Dec given, then none
    line = stock(
        balance=Decimal(12),
        cycle_need=Decimal(28),
        doses_due=ONCE,
        packs=[Pack(Decimal(10), date(2026, 11, 30))],
    )
    short = stock_signals(line, NOW, LONDON, NEXT)[0]
    assert (short.kind, short.quantity, short.when) == (Kind.SHORT, 3, date(2026, 12, 4))
    assert short.text.startswith(
        "Runs out Fri 4 Dec: 12 tablets in stock (10 go out of date first)"
    )
