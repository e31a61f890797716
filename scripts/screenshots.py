"""Re-render docs/screenshots (run: uv run scripts/screenshots.py).

The screens are taken from the end-to-end run: the shipped app (run_emar.py) on a real X server
(Xvfb), driven by xdotool as a carer and a scanner drive it (tests/e2e, with EMAR_SCREENSHOTS
set, keeps each named picture: the manager's tour in tests/e2e/test_tour.py also fills in the
Add allergy dialog (allergy-add-dialog.png, not saved) and scans an amoxicillin pack for Mary
Jones, allergic to penicillin, for the round's allergy stop (resident-allergy-stop.png; the pack
is on no line of hers, and the allergy still stops first). The reports' first pages are
rendered from their PDFs with pdftoppm, from a demo home built at 08:10 this morning.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from emar.demo.build import build_demo_home
from emar.demo.data import DEMO_HISTORY_DAYS
from emar.infra.db import Database, open_database
from emar.maintenance.migrate import upgrade_to_head

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> int:
    """Screens from the end-to-end run (the shipped app on Xvfb, driven by xdotool), then the
    reports' first pages."""
    OUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "EMAR_SCREENSHOTS": str(OUT)}
    e2e = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/e2e"],
        cwd=OUT.parent.parent,
        env=env,
        check=False,
    )
    if e2e.returncode != 0:
        print("the end-to-end run failed: its screenshots may be missing", file=sys.stderr)
    report_pages()
    return e2e.returncode


def demo_photo() -> bytes:
    """A drawn head-and-shoulders picture standing in for a resident's photo."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 240), "#cfd8dc")
    draw = ImageDraw.Draw(image)
    draw.ellipse((75, 40, 165, 140), fill="#8d6e63")
    draw.ellipse((40, 150, 200, 300), fill="#455a64")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def report_pages() -> None:
    """Each report's first page as PNG (pdftoppm), from a demo home built at 08:10 today."""
    from emar.models import Resident
    from emar.reports.data import Scope
    from emar.reports.run import ReportKind, ReportRequest, day_bounds, make_report

    zone = ZoneInfo("Europe/London")
    now = datetime.combine(datetime.now(zone).date(), time(8, 10), tzinfo=zone)
    db = open_database(f"sqlite:///{Path(tempfile.mkdtemp()) / 'demo.sqlite'}")
    upgrade_to_head(db, backup=False)
    with db.write() as s:
        build_demo_home(s, now, history_days=DEMO_HISTORY_DAYS)
    ids = _residents(db)
    mark = 4  # the demo manager
    with db.write() as s:
        s.get(Resident, ids["Arthur Price"]).photo = demo_photo()
    yesterday = now.date() - timedelta(days=1)
    shift_start = datetime.combine(yesterday, time(8), tzinfo=zone)
    week_start, week_end = day_bounds(now.date() - timedelta(days=7), yesterday, zone)
    folder = Path(tempfile.mkdtemp())
    for name, kind, scope, blank in (
        (
            "handover",
            ReportKind.HANDOVER,
            Scope(shift_start, shift_start + timedelta(hours=12)),
            False,
        ),
        ("audit", ReportKind.AUDIT, Scope(week_start, week_end), False),
        (
            "mar",
            ReportKind.MAR,
            Scope(week_start, week_start + timedelta(days=28), resident_id=ids["Arthur Price"]),
            False,
        ),
        (
            "mar-blank",
            ReportKind.MAR,
            Scope(week_end, week_end + timedelta(days=28), resident_id=ids["Mary Jones"]),
            True,
        ),
        ("cd-register", ReportKind.CD_REGISTER, Scope(week_start, week_end), False),
        # the monthly cycle: the waste report over three cycles, the register, the returns list
        (
            "waste",
            ReportKind.WASTE,
            Scope(*day_bounds(now.date() - timedelta(days=83), now.date(), zone)),
            False,
        ),
        (
            "disposals",
            ReportKind.DISPOSALS,
            Scope(*day_bounds(now.date() - timedelta(days=14), now.date(), zone)),
            False,
        ),
        ("returns", ReportKind.RETURNS, Scope(*day_bounds(now.date(), now.date(), zone)), False),
    ):
        pdf = folder / f"{name}.pdf"
        make_report(
            db, ReportRequest(kind, scope, blank=blank), pdf, now=now, staff_id=mark, printed_by=""
        )
        _first_page(pdf, name)
    review_pages(db, now, ids, folder)


def review_pages(db: Database, now: datetime, ids: dict[str, int], folder: Path) -> None:
    """The pharmacist's two reports: Mary Jones's medication review letter and the home's
    medicines optimisation over the last quarter. A demo home without a signed review gets a
    sample one (tests/support/review_rows.py, straight through the models), and says so."""
    from emar.models.review import MedicationReview
    from emar.reports.data import Scope
    from emar.reports.run import ReportKind, ReportRequest, default_period, make_report

    mary = ids["Mary Jones"]
    with db.read() as s:
        signed = s.scalars(
            select(MedicationReview.id).where(MedicationReview.resident_id == mary)
        ).first()
    if signed is None:
        print("the demo home has no signed review of Mary Jones: adding a sample one")
        _sample_review(db, now, ids)
    zone = ZoneInfo("Europe/London")
    _quarter, end = default_period(ReportKind.OPTIMISATION, now, zone)
    start = end - timedelta(days=DEMO_HISTORY_DAYS)  # the demo home's history, not a quarter
    for name, kind, scope in (
        ("review-letter", ReportKind.MEDICATION_REVIEW, Scope(start, end, resident_id=mary)),
        ("optimisation", ReportKind.OPTIMISATION, Scope(start, end)),
    ):
        pdf = folder / f"{name}.pdf"
        make_report(db, ReportRequest(kind, scope), pdf, now=now, staff_id=4, printed_by="")
        _first_page(pdf, name)


def _sample_review(db: Database, now: datetime, ids: dict[str, int]) -> None:
    sys.path.insert(0, str(OUT.parent.parent))  # the repository, for tests.support
    from emar.models import ChartLine, Medicine, Staff
    from tests.support.review_rows import add_recommendation, add_review, stop_line

    with db.write() as s:
        staff = dict(s.execute(select(Staff.username, Staff.id)).all())
        lines = dict(
            s.execute(
                select(Medicine.name, ChartLine.id)
                .join(Medicine)
                .where(ChartLine.resident_id == ids["Mary Jones"], ChartLine.timing != "prn")
            ).all()
        )
        amlodipine, atorvastatin = lines["Amlodipine"], lines["Atorvastatin"]
        signed = now - timedelta(days=6, hours=-6)
        phil, mary = staff["phil"], ids["Mary Jones"]
        review = add_review(
            s, mary, phil, signed,
            participants="Nina Patel (nurse), Mary, her daughter Susan (by phone)",
            what_matters="To stay well enough to go to her granddaughter's wedding in the "
            "summer; fewer tablets if possible",
            summary="Blood pressure low on the last three checks and amlodipine often refused; "
            "statin appropriate after her stroke. Paracetamol PRN used rarely: keep.",
            assessments=[
                (amlodipine, "stop", "BP 112/70 on the last three checks; refused often"),
                (atorvastatin, "continue", "Secondary prevention after stroke"),
            ],
            next_review_on=(now + timedelta(days=365)).date(),
        )  # fmt: skip
        day = timedelta(days=1)
        stop = add_recommendation(
            s, review_id=review, resident_id=mary, by=phil, created_at=signed,
            chart_line_id=amlodipine, text="Stop amlodipine 5 mg: blood pressure low, often "
            "refused. Recheck BP weekly for 4 weeks.",
            steps=[("sent", signed + day / 4), ("accepted", signed + day),
                   ("actioned", signed + 2 * day)],
        )  # fmt: skip
        stop_line(s, amlodipine, signed + 2 * day, staff["nina"], "GP accepted: stop", stop)
        add_recommendation(
            s, review_id=review, resident_id=mary, by=phil, created_at=signed, kind="reduce",
            chart_line_id=atorvastatin, text="Consider reducing atorvastatin to 10 mg at night",
            steps=[("sent", signed + day / 4),
                   ("declined", signed + 3 * day, "Recent stroke: keep the higher dose")],
        )  # fmt: skip
        add_recommendation(
            s, review_id=review, resident_id=mary, by=phil, created_at=signed, kind="monitor",
            text="Check renal function (U&E, eGFR) at the next routine bloods",
            steps=[("sent", signed + day / 4)],
        )  # fmt: skip
        add_recommendation(
            s, review_id=review, resident_id=mary, by=phil, created_at=signed, kind="monitor",
            addressed_to="home", text="Record Mary's weight monthly and her BP weekly for 4 weeks",
            steps=[("accepted", signed + day / 3)],
        )  # fmt: skip


def _first_page(pdf: Path, name: str) -> None:
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "100",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(OUT / f"report-{name}"),
        ],
        check=True,
    )
    print(f"wrote {OUT / f'report-{name}.png'}")


def _residents(db: Database) -> dict[str, int]:
    from emar.models import Resident

    with db.read() as s:
        rows = s.execute(select(Resident.given_name, Resident.family_name, Resident.id))
        return {f"{g} {f}": i for g, f, i in rows}


if __name__ == "__main__":
    sys.exit(main())
