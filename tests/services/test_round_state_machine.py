"""A Hypothesis state machine drives the round engine through gives, refusals, PRN doses (some
overridden), corrections and clock advances, and checks the invariants after every step:

- never two "given" for one scheduled dose (and never two original entries for it);
- PRN limits never exceeded unless the entry carries a flagged override;
- stock = receipts - administrations (corrections reverse theirs);
- nothing is ever deleted or changed.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from emar.domain.doses import DoseState, EntryFacts, effective_entries
from emar.errors import EmarError
from emar.infra.db import open_database
from emar.models import Administration, AuditEvent, StockMovement
from emar.services.round.due import due_list
from emar.services.round.facts import load_lines
from emar.services.round.recording import (
    Override,
    correct_entry,
    record_given,
    record_not_given,
)
from tests.support.homes import Home, local

RESIDENTS = ("Mary Jones", "Arthur Price", "Edith Baker", "John Smith")
PRN = (
    ("Mary Jones", "Paracetamol"),
    ("Arthur Price", "Paracetamol"),
    ("Arthur Price", "Co-codamol"),
    ("Arthur Price", "Oxycodone"),
)
START = local(date(2026, 6, 10), 6, 0)


def _row_digest(row) -> str:
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()


class RoundMachine(RuleBasedStateMachine):
    templates = None  # set by the test
    exercised: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        super().__init__()
        self.db = open_database(self.templates.copy_url("engine"))
        self.home = Home(self.db)
        self.now = START.astimezone(UTC)
        self.seen: dict[str, dict[int, str]] = {
            "administration": {},
            "stock_movement": {},
            "audit_event": {},
        }

    def teardown(self) -> None:
        entries = self._entries()
        seen = RoundMachine.exercised
        seen["given"] += sum(e.is_given for e in entries)
        seen["refused"] += sum(e.code == "R" for e in entries)
        seen["overridden"] += sum(bool(e.override_reason) for e in entries)
        seen["corrections"] += sum(e.supersedes_id is not None for e in entries)
        self.db.dispose()

    # --- actions ------------------------------------------------------------------------
    @rule(minutes=st.integers(5, 300))
    def advance_clock(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule(minutes=st.integers(1, 240))
    def clock_goes_back(self, minutes: int) -> None:
        """The next PC's clock is slow (or a dose is stamped earlier than the last one)."""
        self.now -= timedelta(minutes=minutes)

    def _due(self, resident: str):
        with self.db.read() as s:
            (r,) = due_list(s, self.now, resident_ids=[self.home.residents[resident]])
        return r

    @rule(resident=st.sampled_from(RESIDENTS), pick=st.integers(0, 20), high=st.booleans())
    def give_a_dose(self, resident: str, pick: int, high: bool) -> None:
        doses = [
            d
            for d in self._due(resident).doses
            if d.state in (DoseState.DUE, DoseState.OVERDUE, DoseState.GIVEN, DoseState.NOT_GIVEN)
        ]
        if not doses:
            return
        d = doses[pick % len(doses)]
        medicine = d.medicine.split(" ")[0]
        amount = None
        if "-" in d.dose:
            amount = Decimal(d.dose.split("-")[1].split()[0] if high else d.dose.split("-")[0])
        intent = self.home.intent(
            resident, medicine, self.now, scheduled_at=d.scheduled_at, dose=amount
        )
        witness = self.home.sign("ben") if d.controlled else None
        try:
            with self.db.write() as s:
                record_given(s, intent, self.now, witness=witness)
        except EmarError:
            pass  # blocked or already recorded: the invariants say whether that was right

    @rule(resident=st.sampled_from(RESIDENTS), pick=st.integers(0, 20))
    def refuse_a_dose(self, resident: str, pick: int) -> None:
        doses = [d for d in self._due(resident).doses if d.state != DoseState.UPCOMING]
        if not doses:
            return
        d = doses[pick % len(doses)]
        try:
            with self.db.write() as s:
                record_not_given(
                    s,
                    resident_id=d.resident_id,
                    chart_line_id=d.chart_line_id,
                    staff_id=self.home.staff["amy"],
                    code="R",
                    now=self.now,
                    scheduled_at=d.scheduled_at,
                )
        except EmarError:
            pass

    @rule(which=st.sampled_from(PRN), two=st.booleans(), override=st.booleans())
    def give_prn(self, which: tuple[str, str], two: bool, override: bool) -> None:
        resident, medicine = which
        amount = Decimal(2) if two else Decimal(1)
        if medicine == "Oxycodone":
            amount = Decimal(5) if two else Decimal("2.5")
        intent = self.home.intent(resident, medicine, self.now, dose=amount)
        controlled = medicine in ("Co-codamol", "Oxycodone")
        try:
            with self.db.write() as s:
                record_given(
                    s,
                    intent,
                    self.now,
                    prn_reason="pain",
                    witness=self.home.sign("nina") if controlled else None,
                    override=Override(self.home.sign("ben"), "GP advised by phone")
                    if override
                    else None,
                )
        except EmarError:
            pass

    @rule(pick=st.integers(0, 10_000), void=st.booleans())
    def correct_an_entry(self, pick: int, void: bool) -> None:
        with self.db.read() as s:
            rows = s.execute(select(Administration.id, Administration.supersedes_id)).all()
        current = sorted({r.id for r in rows} - {r.supersedes_id for r in rows})
        if not current:
            return
        target = current[pick % len(current)]
        try:
            with self.db.write() as s:
                correct_entry(
                    s,
                    administration_id=target,
                    staff_id=self.home.staff["mark"],
                    reason="audit found a mistake",
                    now=self.now,
                    outcome="not_given",
                    code="X" if void else "R",
                )
        except EmarError:
            pass

    # --- invariants ---------------------------------------------------------------------
    @invariant()
    def never_two_given_for_one_dose(self) -> None:
        entries = self._entries()
        originals = Counter(
            (e.chart_line_id, e.scheduled_at)
            for e in entries
            if e.scheduled_at is not None and e.supersedes_id is None
        )
        assert all(n == 1 for n in originals.values())
        given = Counter(
            (e.chart_line_id, e.scheduled_at)
            for e in effective_entries(entries)
            if e.scheduled_at is not None and e.is_given
        )
        assert all(n == 1 for n in given.values())

    @invariant()
    def prn_limits_hold_unless_overridden(self) -> None:
        with self.db.read() as s:
            ids = [self.home.residents[r] for r in RESIDENTS]
            lines = {line.id: line for line in load_lines(s, ids, self.now)}
        assert prn_breaches(self._entries(), lines) == []

    @invariant()
    def stock_is_receipts_minus_administrations(self) -> None:
        effective_given = defaultdict(Decimal)
        for e in effective_entries(self._entries()):
            if e.is_given:
                effective_given[e.chart_line_id] += e.dose_given
        with self.db.read() as s:
            moves = s.execute(
                select(StockMovement.chart_line_id, StockMovement.kind, StockMovement.quantity)
            ).all()
        received, balance = defaultdict(Decimal), defaultdict(Decimal)
        for line_id, kind, quantity in moves:
            balance[line_id] += quantity
            if kind == "received":
                received[line_id] += quantity
        for line_id in received:
            assert balance[line_id] == received[line_id] - effective_given[line_id]

    @invariant()
    def nothing_deleted_or_changed(self) -> None:
        with self.db.read() as s:
            for table, model in (
                ("administration", Administration),
                ("stock_movement", StockMovement),
                ("audit_event", AuditEvent),
            ):
                rows = {r[0]: _row_digest(r) for r in s.execute(select(model.__table__)).all()}
                for row_id, digest in self.seen[table].items():
                    assert rows.get(row_id) == digest, f"{table} row {row_id} changed or vanished"
                self.seen[table] = rows

    def _entries(self) -> list[EntryFacts]:
        with self.db.read() as s:
            rows = s.execute(select(Administration)).scalars().all()
            return [
                EntryFacts(
                    a.id,
                    a.chart_line_id,
                    a.scheduled_at,
                    a.outcome,
                    a.not_given_code,
                    None,
                    a.dose_given,
                    a.administered_at,
                    a.recorded_at,
                    a.staff_id,
                    "",
                    "",
                    None,
                    a.supersedes_id,
                    a.override_reason,
                    a.site,
                    a.note,
                )
                for a in rows
            ]


DAY = timedelta(hours=24)


def prn_breaches(entries: list[EntryFacts], lines: dict) -> list[str]:
    """An oracle written apart from emar.domain.prn, by brute force over every recorded dose:
    when each PRN dose without an override was recorded, every related dose already given
    (same line, or a line sharing an ingredient; corrections applied as they stood then) was
    at least the line's interval away on either side, and no group of doses fitting in 24 hours
    around it went over the line's count or its ingredient ceiling."""
    breaches = []
    for a in entries:
        line = lines.get(a.chart_line_id)
        if line is None or not line.is_prn or not a.is_given or a.override_reason:
            continue
        before = [e for e in entries if e.id < a.id]
        superseded = {e.supersedes_id for e in before if e.supersedes_id is not None}
        given = [e for e in before if e.is_given and e.id not in superseded]
        ingredients = {i.ingredient_id for i in line.ingredients}
        related = [
            e
            for e in given
            if e.chart_line_id == line.id
            or (
                lines[e.chart_line_id].resident_id == line.resident_id
                and ingredients & {i.ingredient_id for i in lines[e.chart_line_id].ingredients}
            )
        ]
        for e in related:
            if line.prn_min_interval and abs(e.administered_at - a.administered_at) < (
                line.prn_min_interval
            ):
                breaches.append(f"entry {a.id} within the interval of entry {e.id}")
        if not line.prn_max_24h:
            continue
        own = [e.administered_at for e in related if e.chart_line_id == line.id]
        times = sorted([*own, a.administered_at])
        for i, first in enumerate(times):
            for j in range(i, len(times)):
                last = times[j]
                holds_a = first <= a.administered_at <= last
                if holds_a and last - first < DAY and j - i + 1 > line.prn_max_24h:
                    breaches.append(f"entry {a.id}: {j - i + 1} doses within 24 hours")
        for ing in line.ingredients:
            ceiling = line.prn_max_24h * line.dose_max * ing.amount
            doses = [(a.administered_at, a.dose_given * ing.amount)]
            for e in related:
                per = next(
                    (
                        i.amount
                        for i in lines[e.chart_line_id].ingredients
                        if i.ingredient_id == ing.ingredient_id
                    ),
                    None,
                )
                if per is not None:
                    doses.append((e.administered_at, e.dose_given * per))
            doses.sort()
            for i, (first, _) in enumerate(doses):
                for j in range(i, len(doses)):
                    last = doses[j][0]
                    total = sum(amount for _, amount in doses[i : j + 1])
                    holds_a = first <= a.administered_at <= last
                    if holds_a and last - first < DAY and total > ceiling:
                        breaches.append(f"entry {a.id}: {total} {ing.unit} of {ing.name}")
    return sorted(set(breaches))


def test_the_oracle_catches_out_of_order_doses():
    """The oracle itself can fail: two doses 30 minutes apart, the later one recorded first."""
    from emar.domain.doses import IngredientAmount, LineFacts
    from emar.domain.schedule import Timing

    line = LineFacts(
        1,
        1,
        1,
        "Paracetamol",
        Decimal(1),
        Decimal(2),
        "tablet",
        "oral",
        "",
        Timing("prn"),
        START,
        None,
        "active",
        None,
        (),
        False,
        False,
        False,
        "pain",
        timedelta(hours=4),
        4,
        (IngredientAmount(1, "paracetamol", None, Decimal(500), "mg"),),
    )

    def entry(i, at):
        return EntryFacts(
            i,
            1,
            None,
            "given",
            None,
            None,
            Decimal(1),
            at,
            at,
            1,
            "",
            "",
            None,
            None,
            None,
            None,
            None,
        )

    assert prn_breaches([entry(1, START), entry(2, START - timedelta(minutes=30))], {1: line})
    assert prn_breaches([entry(1, START), entry(2, START + timedelta(hours=5))], {1: line}) == []


def test_round_engine_invariants_hold(templates):
    RoundMachine.templates = templates
    RoundMachine.exercised = Counter()
    run_state_machine_as_test(
        RoundMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    # the runs did exercise every kind of record, so the invariants were tested on something
    assert (
        min(RoundMachine.exercised[k] for k in ("given", "refused", "overridden", "corrections"))
        > 0
    ), RoundMachine.exercised
