"""The process the crash test kills: records doses one by one, reporting each only after commit."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from multiprocessing.connection import Connection

from emar.infra.db import open_database
from emar.services.round.recording import AlreadyRecorded, Blocked, record_given
from emar.services.round.verification import Intent, PackScan

Dose = tuple[int, int, datetime, str]  # resident id, chart line id, scheduled at, GTIN


def record_until_killed(url: str, staff_id: int, doses: list[Dose], start: int, pipe: Connection):
    """Send (index, administration id) once a record is committed, (index, None) for a dose that
    was already recorded (committed by a killed predecessor before it could say so)."""
    db = open_database(url, create=False)
    pipe.send("ready")
    for index in range(start, len(doses)):
        resident_id, line_id, scheduled, gtin = doses[index]
        at = scheduled + timedelta(minutes=5)
        intent = Intent(
            resident_id,
            staff_id,
            at,
            pack=PackScan(gtin),
            chart_line_id=line_id,
            scheduled_at=scheduled,
        )
        try:
            with db.write() as session:
                recorded = record_given(session, intent, at)
        except (AlreadyRecorded, Blocked):
            pipe.send((index, None))
            continue
        # Only now, after the commit returned, may anyone be told "recorded".
        pipe.send((index, recorded.administration_id))
    pipe.send("done")
    os._exit(0)
