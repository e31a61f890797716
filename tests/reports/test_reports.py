"""Reports read back: their content matches the records, barcodes scan, nothing overflows.

A day on the demo home (10 June 2026, BST) with one of everything a report must show: an
override, a late dose, a refusal corrected to another code, a witnessed controlled-drug PRN
with its outcome still to record, and doses nobody recorded.
"""

from __future__ import annotations

import csv
import stat
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from emar.domain.doses import DoseState
from emar.errors import EmarError
from emar.models import AuditEvent
from emar.reports.data import Scope
from emar.reports.run import ReportKind, ReportRequest, day_bounds, make_report
from emar.services.charts.stock import balance
from emar.services.round.due import due_list
from emar.services.round.recording import Override, correct_entry, record_given, record_not_given
from tests.support.homes import Home, local
from tests.support.pdf_checks import barcodes, overflows, page_texts, pdf_text

DAY = date(2026, 6, 10)
LONDON_ZONE = local(DAY, 0).tzinfo


@dataclass
class Day:
    home: Home
    late_medicine: str
    late_resident: str
    cd_line: int


@pytest.fixture
def day(home_db) -> Day:
    home = Home(home_db)
    with home_db.read() as s:
        rounds = due_list(s, local(DAY, 8, 5))
    late = next(
        (r.name, d)
        for r in rounds
        for d in r.doses
        if d.state == DoseState.DUE
        and d.scheduled_at == local(DAY, 8, 0)
        and not d.controlled
        and "-" not in d.dose
        and r.name not in ("Mary Jones", "Arthur Price", "Ivy Robinson")
        and d.medicine.split(" ")[0] in home.gtins
    )
    late_resident, late_dose = late
    with home_db.write() as s:  # early, overridden by a senior
        record_given(
            s,
            home.intent("Mary Jones", "Amlodipine", local(DAY, 6, 40)),
            local(DAY, 6, 40),
            override=Override(home.sign("ben"), "Leaving early for hospital"),
        )
    with home_db.write() as s:  # 40 minutes after the window closed
        record_given(
            s,
            home.intent(
                late_resident,
                None,
                local(DAY, 9, 40),
                pack=home.pack(late_dose.medicine.split(" ")[0]),
                chart_line_id=late_dose.chart_line_id,
                scheduled_at=late_dose.scheduled_at,
            ),
            local(DAY, 9, 40),
        )
    with home_db.write() as s:
        refused = record_not_given(
            s,
            resident_id=home.residents["Ivy Robinson"],
            chart_line_id=home.line("Ivy Robinson", "Amlodipine"),
            staff_id=home.staff["amy"],
            code="R",
            now=local(DAY, 8, 10),
            scheduled_at=local(DAY, 8, 0),
            note="Said no twice",
        )
    with home_db.write() as s:
        correct_entry(
            s,
            administration_id=refused.administration_id,
            staff_id=home.staff["ben"],
            reason="Wrong code chosen: he felt sick",
            now=local(DAY, 8, 30),
            outcome="not_given",
            code="N",
        )
    with home_db.write() as s:  # controlled drug, witnessed; outcome not yet recorded
        record_given(
            s,
            home.intent("Arthur Price", "Oxycodone", local(DAY, 14, 0), dose=Decimal(5)),
            local(DAY, 14, 0),
            prn_reason="Pain 8/10",
            witness=home.sign("ben"),
        )
    return Day(
        home, late_dose.medicine, late_resident, home.line("Arthur Price", "Oxycodone", prn=True)
    )


def _make(db, day: Day, kind: ReportKind, out: Path, scope: Scope, **kw) -> Path:
    made = make_report(
        db,
        ReportRequest(kind, scope, **kw),
        out,
        now=local(DAY, 20, 0),
        staff_id=day.home.staff["mark"],
        printed_by="ignored: the signed-in name is used",
    )
    assert made.pages >= 1 and out.exists()
    return out


def _everywhere(path: Path, title: str) -> list[str]:
    """What every page must carry; returns the pages' text."""
    pages = page_texts(path)
    for n, text in enumerate(pages, start=1):
        assert "Willow Court Care Home" in text
        assert title in text
        assert f"Page {n} of {len(pages)}" in text
        assert "CONFIDENTIAL - contains personal data" in text
        assert "Printed by Mark Hughes on 10 Jun 2026 at 20:00 BST" in text
    assert overflows(path) == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return pages


def test_handover_counts_and_tells_the_next_shift(home_db, day, tmp_path):
    scope = Scope(local(DAY, 8, 0), local(DAY, 20, 0))
    out = _make(home_db, day, ReportKind.HANDOVER, tmp_path / "handover.pdf", scope)
    text = "\n".join(_everywhere(out, "Shift handover"))
    assert "Wed 10 Jun 2026, 08:00 BST to 20:00 BST" in text
    summary = text.split("Not given, by reason")[0]
    for label, n in [
        ("Doses given", 2),
        ("Given late", 1),
        ("Not given", 1),
        ("PRN doses given", 1),
        ("PRN outcomes still to record", 1),
        ("Controlled drug doses", 1),
        ("Overrides", 1),
        ("Corrections", 1),
    ]:
        assert f"{label} {n}" in summary, label
    assert "N Nausea or vomiting 1" in text  # the corrected code, not the first one
    assert "Amlodipine 5 mg tablets 1 tablet NOT GIVEN (N Nausea or vomiting)" in text
    assert "corrected by Ben Osei - Wrong code chosen: he felt sick" in text
    assert "OVERRIDE - Leaving early for hospital" in text
    assert "witnessed by Ben Osei" in text
    assert "for Pain 8/10 by Amy Carter; OUTCOME STILL TO RECORD" in text
    assert "5 ml given for Pain 8/10" in text  # the amount given, never the chart's range
    assert "2.5-5 ml given" not in text
    assert f"{day.late_medicine}" in text and "min late" in text
    assert "MISSED" in text or "not yet given or recorded" in text


def test_a_handover_printed_before_its_shift_ends_lists_the_doses_still_due(home_db, day, tmp_path):
    scope = Scope(local(DAY, 14, 0), local(DAY, 22, 30))  # printed at 20:00
    out = _make(home_db, day, ReportKind.HANDOVER, tmp_path / "late-shift.pdf", scope)
    text = "\n".join(_everywhere(out, "Shift handover"))
    assert "due at 22:00: still to give this shift" in text
    assert "Still due this shift" in text.split("Not given, by reason")[0]


def test_audit_rates_exceptions_staff_and_csv_match_the_records(home_db, day, tmp_path):
    start, end = day_bounds(DAY, DAY, LONDON_ZONE)
    csv_path = tmp_path / "audit.csv"
    out = _make(
        home_db, day, ReportKind.AUDIT, tmp_path / "audit.pdf", Scope(start, end), csv_out=csv_path
    )
    text = "\n".join(_everywhere(out, "Administration audit"))
    with csv_path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    outcomes = [r["outcome"] for r in rows]
    assert outcomes.count("given late") == 1
    assert outcomes.count("not given") == 1
    assert outcomes.count("PRN given") == 1
    given = outcomes.count("given") + 1  # on time + late
    missed = outcomes.count("missed")
    scheduled = given + 1 + missed
    assert missed > 0
    assert f"{scheduled} " in text  # scheduled doses due, in the rates table
    late_rate = f"1 ({100 / scheduled:.1f}%)"
    assert late_rate in text
    corrected = next(r for r in rows if r["outcome"] == "not given")
    assert corrected["not_given_code"] == "N"
    assert corrected["correction_reason"] == "Wrong code chosen: he felt sick"
    assert corrected["scheduled_local"] == "2026-06-10T08:00+01:00"
    cd = next(r for r in rows if r["outcome"] == "PRN given")
    assert cd["witness"] == "Ben Osei" and cd["resident"] == "Arthur Price"
    assert "Leaving early for hospital" in text and "Wrong code chosen" in text
    # PRN against limits and per-staff figures
    assert "Oxycodone" in text.split("PRN use against limits")[1]
    staff_part = text.split("By member of staff")[1]
    assert "Ben Osei" in staff_part and "Amy Carter" in staff_part
    # the detailed entries: one line per CSV row (a page may split a row, not lose it)
    assert len(rows) == scheduled + 1
    with home_db.read() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        assert (event.action, event.entity_id) == ("report.printed", "audit")
        assert event.staff_id == day.home.staff["mark"]


def test_audit_for_one_staff_member_and_one_medicine(home_db, day, tmp_path):
    start, end = day_bounds(DAY, DAY, LONDON_ZONE)
    csv_path = tmp_path / "ben.csv"
    _make(
        home_db,
        day,
        ReportKind.AUDIT,
        tmp_path / "ben.pdf",
        Scope(start, end, staff_id=day.home.staff["ben"]),
        csv_out=csv_path,
    )
    with csv_path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["staff"] for r in rows} == {"Ben Osei"}
    csv_path2 = tmp_path / "oxy.csv"
    _make(
        home_db,
        day,
        ReportKind.AUDIT,
        tmp_path / "oxy.pdf",
        Scope(start, end, medicine="oxycodone"),
        csv_out=csv_path2,
    )
    with csv_path2.open(newline="") as f:
        assert {r["medicine"].split(" ")[0] for r in csv.DictReader(f)} == {"Oxycodone"}


def test_mar_chart_filled_with_scannable_resident_barcode(home_db, day, tmp_path):
    import io

    import pdfplumber
    from PIL import Image

    from emar.models import Resident
    from emar.services.charts.editing import suspend_line

    resident = day.home.residents["Arthur Price"]
    with home_db.write() as s:  # the paper chart must say not to give a suspended line
        suspend_line(
            s,
            day.home.staff["nina"],
            day.home.line("Arthur Price", "Paracetamol", prn=True),
            "GP review",
            local(DAY, 18, 0),
        )
    photo = io.BytesIO()
    Image.new("RGB", (120, 160), "#8d6e63").save(photo, "PNG")
    with home_db.write() as s:
        s.get(Resident, resident).photo = photo.getvalue()
    start, _ = day_bounds(DAY - timedelta(days=9), DAY, LONDON_ZONE)
    scope = Scope(start, start + timedelta(days=28), resident_id=resident)
    out = _make(home_db, day, ReportKind.MAR, tmp_path / "mar.pdf", scope)
    text = "\n".join(_everywhere(out, "MAR chart"))
    assert "MAR chart: Mon 01 Jun 2026 to Sun 28 Jun 2026" in text
    assert "Arthur Price" in text and "ALLERGIES" in text
    assert "Oxycodone" in text and "Fentanyl" in text
    assert "PRN 14:00" in text and "oral AC" in text  # the PRN dose (time, initials) in its day
    assert "Paracetamol 500 mg tablets PRN\nSUSPENDED: do not give" in text
    assert f"EMAR-R-{resident}" in barcodes(out)
    with pdfplumber.open(out) as pdf:
        (picture,) = pdf.pages[0].images  # the photo in the banner
    assert picture["srcsize"] == (120, 160)


def test_blank_mar_for_downtime_has_the_rows_and_no_records(home_db, day, tmp_path):
    from emar.models import Resident

    resident = day.home.residents["Arthur Price"]
    with home_db.write() as s:  # a damaged photo must not stop the downtime chart printing
        s.get(Resident, resident).photo = b"\x89PNG not really"
    start, _ = day_bounds(DAY, DAY, LONDON_ZONE)
    scope = Scope(start, start + timedelta(days=28), resident_id=resident)
    out = _make(home_db, day, ReportKind.MAR, tmp_path / "blank.pdf", scope, blank=True)
    text = "\n".join(_everywhere(out, "MAR chart"))
    assert "BLANK MAR for downtime: Wed 10 Jun 2026 to Tue 07 Jul 2026" in text
    assert "Fentanyl" in text and "Oxycodone" in text and "PRN" in text
    assert "14:00" not in text and "AC" not in text
    assert "(photo" in text and "unreadable)" in text
    assert f"EMAR-R-{resident}" in barcodes(out)


def test_cd_register_has_every_movement_and_the_running_balance(home_db, day, tmp_path):
    start, end = day_bounds(DAY, DAY, LONDON_ZONE)
    out = _make(home_db, day, ReportKind.CD_REGISTER, tmp_path / "cd.pdf", Scope(start, end))
    pages = _everywhere(out, "Controlled drugs register")
    with home_db.read() as s:
        closing = balance(s, day.cd_line)
    page = next(p for p in pages if "Oxycodone" in p and "Resident: Arthur Price" in p)
    assert "Administered" in page and "Amy Carter Ben Osei" in page
    assert f"Balance brought forward: {closing + 5:f}".rstrip("0").rstrip(".") in page
    assert f"Balance at the end of the period: {closing:f}".rstrip("0").rstrip(".") in page


def test_a_carer_may_not_print_reports_and_nothing_is_written(home_db, day, tmp_path):
    out = tmp_path / "no.pdf"
    with pytest.raises(EmarError, match="may not print reports"):
        make_report(
            home_db,
            ReportRequest(ReportKind.HANDOVER, Scope(local(DAY, 8), local(DAY, 20))),
            out,
            now=local(DAY, 20),
            staff_id=day.home.staff["amy"],
            printed_by="",
        )
    assert not out.exists()


def test_long_medicine_names_and_notes_wrap_inside_their_cells(home_db, day, tmp_path):
    long_note = "Refused: " + "said the tablets were too big and asked for the GP " * 6
    with home_db.write() as s:
        record_not_given(
            s,
            resident_id=day.home.residents["Mary Jones"],
            chart_line_id=day.home.line("Mary Jones", "Amlodipine"),
            staff_id=day.home.staff["amy"],
            code="O",
            now=local(DAY + timedelta(days=1), 8, 10),
            scheduled_at=local(DAY + timedelta(days=1), 8, 0),
            note=long_note,
        )
    start, end = day_bounds(DAY, DAY + timedelta(days=1), LONDON_ZONE)
    for kind in (ReportKind.HANDOVER, ReportKind.AUDIT):
        out = _make(home_db, day, kind, tmp_path / f"{kind}.pdf", Scope(start, end))
        assert overflows(out) == []
        assert "asked for the GP" in pdf_text(out)


def test_the_overflow_check_catches_text_running_out_of_its_cell(tmp_path):
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    out = tmp_path / "bad.pdf"
    bad = Table([["Co-codamol 30 mg/500 mg effervescent tablets", "x"]], colWidths=[40, 40])
    bad.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    SimpleDocTemplate(str(out)).build([bad])
    assert any("crosses a border" in p for p in overflows(out))


def test_cli_reports_and_their_clear_refusals(home_db, day, tmp_path, capsys):
    from emar.cli import main

    url = ["--db", home_db.url.render_as_string(hide_password=False)]
    out = tmp_path / "h.pdf"
    args = ["report", "handover", "--from", "2026-06-10T08:00", "--to", "2026-06-10T20:00"]
    assert main([*args, "--unit", "Rose Unit (ground floor)", "--out", str(out), *url]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Shift handover: ") and "page(s) written to" in said
    assert "Arthur Price" in pdf_text(out) and "Ivy Robinson" not in pdf_text(out)
    assert main([*args, "--out", str(out), *url]) == 1
    assert "never overwrites" in capsys.readouterr().err
    assert (
        main(
            [
                "report",
                "audit",
                "--from",
                "10/06/2026",
                "--to",
                "2026-06-10",
                "--out",
                str(tmp_path / "a.pdf"),
                *url,
            ]
        )
        == 1
    )
    assert "give a date (2026-11-22)" in capsys.readouterr().err
    assert (
        main(
            [
                "report",
                "mar",
                "--from",
                "2026-06-10",
                "--csv",
                "x.csv",
                "--out",
                str(tmp_path / "m.pdf"),
                *url,
            ]
        )
        == 1
    )
    assert "--csv is for the audit report" in capsys.readouterr().err
    assert (
        main(
            [
                "report",
                "handover",
                "--from",
                "2026-06-10",
                "--unit",
                "Nowhere",
                "--out",
                str(tmp_path / "n.pdf"),
                *url,
            ]
        )
        == 1
    )
    assert "No unit 'Nowhere'" in capsys.readouterr().err
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "n.pdf").exists()
    shift = tmp_path / "shift.pdf"  # no dates: the shift now ending, as the reports window offers
    assert main(["report", "handover", "--out", str(shift), *url]) == 0
    assert capsys.readouterr().out.startswith("Shift handover: ") and shift.exists()
    assert main(["report", "audit", "--to", "2026-06-10", "--out", str(tmp_path / "t.pdf"), *url])
    assert "Give --from as well" in capsys.readouterr().err


def test_a_long_report_reports_progress_and_stops_when_cancelled(home_db, day):
    from emar.services.home import get_home
    from emar.services.round.dose_outcomes import Cancelled, period_facts

    seen: list[tuple[int, int]] = []
    with home_db.read() as s:
        home = get_home(s)
        facts = period_facts(
            s,
            home,
            local(DAY, 0),
            local(DAY, 23),
            local(DAY, 23),
            progress=lambda *a: seen.append(a),
        )
        assert seen[-1] == (22, 22) and len(facts.residents) == 22
        with pytest.raises(Cancelled):
            period_facts(
                s, home, local(DAY, 0), local(DAY, 23), local(DAY, 23), cancelled=lambda: True
            )


def test_a_long_listing_breaks_across_pages_with_its_header_on_each(tmp_path):
    from datetime import UTC, datetime

    from emar.reports.pdf import ReportMeta, build
    from emar.reports.rows import RowList

    rows = [
        [f"row {i}", "Co-codamol 30 mg/500 mg effervescent tablets " * (i % 3 + 1)]
        for i in range(400)
    ]
    out = tmp_path / "long.pdf"
    meta = ReportMeta("Listing", "Home", "Tester", datetime(2026, 1, 5, tzinfo=UTC), LONDON_ZONE)
    pages = build(out, meta, [RowList(["Number", "Medicine"], rows, [60, 200])], wide=False)
    texts = page_texts(out)
    assert pages == len(texts) > 5
    assert all("Number Medicine" in t for t in texts)
    assert "row 0" in texts[0] and "row 399" in texts[-1]
    assert sum(t.count("row ") for t in texts) == 400  # every row once, none lost at a break
    assert overflows(out) == []
