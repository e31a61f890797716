"""Stock signals for one chart line (issue 18, part 5): pure.

What the nurse doing the monthly cycle, and the visiting pharmacist, should act on:

- OVER_STOCK: an active line holding more than two cycles' supply (strictly more: exactly two
  cycles is not over). A cycle's supply is the ordering rule's (emar.domain.ordering) over the
  28 days from today; a when-required (PRN) line's is its recent use, and a PRN line with no
  use yet has no supply to measure against, so no signal. Up to one whole pack of the product
  (an inhaler, a bottle) is never over: a home cannot hold less.
- STOPPED_IN_STOCK: a stopped or ended line with stock left: return it or dispose of it, and
  do not give it. (Its expiry no longer matters: all of it goes.)
- EXPIRING: stock expiring within 30 days (the expiry day itself counts, as a pack is usable
  up to and including it) that will not be used before then, or already expired. Packs are
  assumed used first-expiring-first, before and after now: the stock in hand is the latest-
  expiring of the packs received, and a pack is flagged only for the part of it the doses due
  before its expiry will not use up. Stock with no expiry recorded (or carried in without a
  receipt) is never flagged.
- SHORT: an active line whose stock will not cover the doses due before the next cycle's
  delivery (or, with no cycle known, the next few days): when it runs out, and how many short.
  The doses are given from the packs in hand first-expiring-first and none after its expiry
  day, so stock that goes out of date first does not count. A PRN line runs out at its recent
  rate of use, "about" (only stock already expired is left out).

A line whose stock has never been recorded (no movement at all) is not tracked: no signal at
all, rather than a false "short".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from emar.domain.line_periods import ACTIVE, ENDED, STOPPED
from emar.domain.ordering import CYCLE_DAYS
from emar.domain.wording import format_amount, unit_text

EXPIRY_DAYS = 30  # expiring "within 30 days"
SHORT_DAYS = 7  # with no next cycle known, short for the doses of the next 7 days
OVER_CYCLES = 2
OUT_OF_DATE = "go out of date first"


class Kind(StrEnum):
    SHORT = "short"
    STOPPED_IN_STOCK = "stopped in stock"
    EXPIRING = "expiring"
    OVER_STOCK = "over-stock"


@dataclass(frozen=True, slots=True)
class Pack:
    """Stock received: how many dose units and their expiry (None: not recorded)."""

    quantity: Decimal
    expiry: date | None
    batch: str | None = None


@dataclass(frozen=True, slots=True)
class LineStock:
    status: str  # the chart line's status now (emar.domain.line_periods)
    is_prn: bool
    dose_unit: str
    tracked: bool  # any stock movement was ever recorded for the line
    balance: Decimal
    cycle_need: Decimal | None  # dose units a 28-day cycle needs; PRN: recent use (None: none)
    # regular lines: (when, dose units) for each dose due from now, covering at least up to the
    # next delivery and EXPIRY_DAYS days ahead
    doses_due: Sequence[tuple[datetime, Decimal]] = ()
    packs: Sequence[Pack] = ()
    pack_size: int | None = None  # the smallest pack of the product, where known


@dataclass(frozen=True, slots=True)
class StockSignal:
    kind: Kind
    text: str  # for a nurse
    quantity: Decimal  # short by / expiring / surplus / to return, in dose units
    when: date | None = None  # runs out / expires


def day_text(d: date) -> str:
    """Tue 3 Dec."""
    return f"{d:%a} {d.day} {d:%b}"


def _units(amount: Decimal, unit: str) -> str:
    return f"{format_amount(amount)} {unit_text(unit, amount)}"


def _prn_rate(line: LineStock) -> Decimal | None:
    """Dose units a day at the recent rate of use; None with no use."""
    if not line.cycle_need:
        return None
    return line.cycle_need / CYCLE_DAYS


def in_hand(packs: Sequence[Pack], balance: Decimal) -> list[Pack]:
    """The packs the balance is made of, first-expiring first, assuming they were used
    first-expiring-first: the latest-expiring `balance` units received. Units beyond what was
    received (carried in, counted up) have no known expiry: listed last, as never expiring."""
    left = max(balance, Decimal(0))
    held: list[Pack] = []
    far = date.max
    for pack in sorted(packs, key=lambda p: p.expiry or far, reverse=True):
        if left <= 0:
            break
        take = min(pack.quantity, left)
        held.append(Pack(take, pack.expiry, pack.batch))
        left -= take
    held.reverse()
    if left > 0:
        held.append(Pack(left, None))  # used last, as never expiring
    return held


def _used_by(line: LineStock, day: date, now: datetime, zone: ZoneInfo) -> Decimal:
    """Dose units due from now to the end of `day` (the home's local days)."""
    today = now.astimezone(zone).date()
    if line.is_prn:
        rate = _prn_rate(line)
        if rate is None or day < today:
            return Decimal(0)
        return (rate * ((day - today).days + 1)).to_integral_value()  # about
    due = (a for t, a in line.doses_due if t >= now and t.astimezone(zone).date() <= day)
    return sum(due, Decimal(0))


def _expiring(line: LineStock, now: datetime, zone: ZoneInfo) -> list[StockSignal]:
    today = now.astimezone(zone).date()
    used = Decimal(0)  # by the packs before, first-expiring first
    wasted: dict[date, tuple[Decimal, list[str]]] = {}
    for pack in in_hand(line.packs, line.balance):
        if pack.expiry is None or pack.expiry > today + timedelta(days=EXPIRY_DAYS):
            continue
        if pack.expiry < today:
            taken = Decimal(0)
        else:
            taken = min(
                pack.quantity, max(_used_by(line, pack.expiry, now, zone) - used, Decimal(0))
            )
        used += taken
        left = pack.quantity - taken
        if left > 0:
            qty, batches = wasted.get(pack.expiry, (Decimal(0), []))
            wasted[pack.expiry] = (qty + left, batches + ([pack.batch] if pack.batch else []))
    out = []
    for expiry, (qty, batches) in sorted(wasted.items()):
        batch = f" (batch {', '.join(batches)})" if batches else ""
        if expiry < today:
            text = (
                f"{_units(qty, line.dose_unit)}{batch} expired on {day_text(expiry)}: "
                "do not give them; dispose of them."
            )
        else:
            when = "today" if expiry == today else day_text(expiry)
            text = (
                f"{_units(qty, line.dose_unit)}{batch} expire {when}, before they will be "
                "used: use them first, or return them, and order less."
            )
        out.append(StockSignal(Kind.EXPIRING, text, qty, expiry))
    return out


def _short(
    line: LineStock, now: datetime, zone: ZoneInfo, next_delivery: date | None
) -> StockSignal | None:
    today = now.astimezone(zone).date()
    until = next_delivery or today + timedelta(days=SHORT_DAYS + 1)
    before = (
        f"before the next cycle starts on {day_text(next_delivery)}"
        if next_delivery
        else f"in the next {SHORT_DAYS} days"
    )
    balance = max(line.balance, Decimal(0))
    held = in_hand(line.packs, balance)
    expired = sum((p.quantity for p in held if p.expiry and p.expiry < today), Decimal(0))
    if line.is_prn:
        rate = _prn_rate(line)
        if rate is None or until <= today:
            return None
        usable = balance - expired
        needed = (rate * (until - today).days).to_integral_value(ROUND_CEILING)
        if usable >= needed:
            return None
        runs_out = today + timedelta(days=math.floor(usable / rate))
        text = (
            f"Runs out about {day_text(runs_out)} at the recent rate of use "
            f"({_units(_whole(line.cycle_need), line.dose_unit)} a cycle): "
            f"{_stock_text(balance, expired, line.dose_unit, 'expired')}, about "
            f"{_units(needed, line.dose_unit)} needed {before}. Order more now."
        )
        return StockSignal(Kind.SHORT, text, needed - usable, runs_out)
    end = datetime.combine(until, time(0), zone)
    due = sorted((at, amount) for at, amount in line.doses_due if now <= at < end)
    needed = sum((amount for _, amount in due), Decimal(0))
    supplied, out = _supply(held, due, zone)
    if out is None:
        return None
    runs_out = out
    when = f"today ({day_text(runs_out)})" if runs_out == today else day_text(runs_out)
    unit = line.dose_unit
    text = (
        f"Runs out {when}: {_stock_text(balance, balance - supplied, unit, OUT_OF_DATE)}, "
        f"{_units(needed, line.dose_unit)} due {before}. Order more now."
    )
    return StockSignal(Kind.SHORT, text, needed - supplied, runs_out)


def _supply(
    held: list[Pack], due: list[tuple[datetime, Decimal]], zone: ZoneInfo
) -> tuple[Decimal, date | None]:
    """Give the doses due from the packs in hand, first-expiring first, none after its expiry
    day: the dose units given, and the day of the first dose that cannot be given in full."""
    left = [p.quantity for p in held]  # in hand is first-expiring first already
    supplied = Decimal(0)
    runs_out: date | None = None
    for at, amount in due:
        day = at.astimezone(zone).date()
        want = amount
        for k, pack in enumerate(held):
            if want <= 0:
                break
            if pack.expiry is not None and pack.expiry < day:
                continue
            take = min(left[k], want)
            left[k] -= take
            want -= take
            supplied += take
        if want > 0 and runs_out is None:
            runs_out = day
    return supplied, runs_out


def _stock_text(balance: Decimal, unusable: Decimal, unit: str, why: str) -> str:
    """ "5 tablets in stock", "none in stock", "10 tablets in stock (7 go out of date first)"."""
    if balance == 0:
        return "none in stock"
    text = f"{_units(balance, unit)} in stock"
    return text + (f" ({format_amount(unusable)} {why})" if unusable > 0 else "")


def _whole(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value.to_integral_value(ROUND_CEILING)


def stock_signals(
    line: LineStock, now: datetime, zone: ZoneInfo, next_delivery: date | None = None
) -> list[StockSignal]:
    """The line's signals, most urgent first. `next_delivery`: the first day of the next
    cycle (its stock arrives before then); None: look SHORT_DAYS ahead."""
    if not line.tracked:
        return []
    balance = line.balance
    if line.status in (STOPPED, ENDED):
        if balance <= 0:
            return []
        return [
            StockSignal(
                Kind.STOPPED_IN_STOCK,
                f"The line is {line.status}, with {_units(balance, line.dose_unit)} still in "
                "stock: do not give it; return it to the pharmacy or dispose of it.",
                balance,
            )
        ]
    out: list[StockSignal] = []
    if line.status == ACTIVE:
        short = _short(line, now, zone, next_delivery)
        if short is not None:
            out.append(short)
    out += _expiring(line, now, zone)
    if line.status == ACTIVE and line.cycle_need is not None:
        # a home cannot hold less than one pack (an inhaler, a bottle): up to that is not over
        two = max(line.cycle_need * OVER_CYCLES, Decimal(line.pack_size or 0))
        if balance > two:
            need = _units(_whole(line.cycle_need), line.dose_unit)
            per = "used a cycle lately" if line.is_prn else "a cycle"
            out.append(
                StockSignal(
                    Kind.OVER_STOCK,
                    f"Over-stocked: {_units(balance, line.dose_unit)} in stock, more than two "
                    f"cycles' supply ({need} {per}). Order less next cycle, or return the "
                    "surplus.",
                    balance - two,
                )
            )
    return out
