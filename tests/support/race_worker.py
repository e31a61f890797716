"""A worker process for the race test: tries to record doses from a shared set, many times."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from emar.errors import EmarError
from emar.infra.db import open_database
from emar.services.round.recording import AlreadyRecorded, Blocked, record_given
from emar.services.round.verification import Intent, PackScan


def attempt_doses(
    url: str, staff_id: int, seed: int, attempts: int, doses: list[tuple], prn: tuple, at: datetime
) -> dict[str, object]:
    """`doses`: (resident_id, chart_line_id, scheduled_at, gtin, dose or None for a fixed dose).
    Returns what this process won, how often it lost, and anything unexpected."""
    db = open_database(url, create=False)
    rng = random.Random(seed)
    won: list[tuple[int, datetime | None]] = []
    lost = 0
    unexpected: list[str] = []
    for _ in range(attempts):
        use_prn = rng.random() < 0.1
        resident_id, line_id, scheduled, gtin, dose = prn if use_prn else rng.choice(doses)
        intent = Intent(
            resident_id,
            staff_id,
            at,
            pack=PackScan(gtin),
            chart_line_id=line_id,
            scheduled_at=scheduled,
            dose=dose,
        )
        try:
            with db.write() as session:
                record_given(session, intent, at, prn_reason="race test" if use_prn else None)
            won.append((line_id, scheduled))
        except (Blocked, AlreadyRecorded) as exc:
            message = str(exc)
            expected = "Already given" in message or "Too soon" in message
            if not expected:
                unexpected.append(message)
            lost += 1
        except EmarError as exc:
            unexpected.append(f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            unexpected.append(f"{type(exc).__name__}: {exc}")
    db.dispose()
    return {"won": won, "lost": lost, "unexpected": unexpected}


def give_prn_together(
    url: str, staff_id: int, resident_id: int, gtin: str, at: datetime, now: datetime, barrier
) -> str:
    """Wait for every process at the barrier, then give one PRN dose stamped `at`. Returns
    "won", or the first words of the refusal."""
    db = open_database(url, create=False)
    late = "recorded after the round" if now - at > timedelta(minutes=5) else None
    barrier.wait(timeout=60)
    try:
        with db.write() as session:
            record_given(
                session,
                Intent(resident_id, staff_id, at, pack=PackScan(gtin), dose=Decimal(1)),
                now,
                prn_reason="race test",
                late_entry_reason=late,
            )
        return "won"
    except (Blocked, AlreadyRecorded) as exc:
        return str(exc)[:40]
    finally:
        db.dispose()
