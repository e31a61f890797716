"""The reports screen: made off the GUI thread with progress, cancellable, then saved."""

from datetime import date

from emar.reports.run import ReportKind, default_period
from emar.ui.reports.window import ReportsWindow
from tests.support.homes import LONDON, local
from tests.support.pdf_checks import overflows, pdf_text
from tests.support.round_window import open_window, sign_in

DAY = date(2026, 6, 10)
NOW = local(DAY, 19, 30)


def reports(qtbot, home_db, tmp_path, user="mark", **kwargs) -> ReportsWindow:
    window = open_window(qtbot, home_db, tmp_path, lambda: NOW)
    sign_in(qtbot, window, user)
    assert window.menus.reports_action.isEnabled()
    window.menus.open_reports()
    r = window.menus.windows["reports"]
    assert isinstance(r, ReportsWindow)
    qtbot.addWidget(r)
    qtbot.waitUntil(lambda: r.unit.count() > 1, timeout=10_000)
    return r


def test_make_a_handover_see_progress_then_save_it(qtbot, home_db, tmp_path):
    saved_to = tmp_path / "saved-handover.pdf"
    r = reports(qtbot, home_db, tmp_path)
    r._save_path = lambda parent, name: str(saved_to)
    assert r.start.dateTime().toString("HH:mm") == "08:00"  # the day shift now ending
    assert r.end.dateTime().toString("HH:mm") == "20:00"
    seen: list[tuple[int, int]] = []
    with qtbot.waitSignal(r.done, timeout=30_000) as done:
        r.make()
        r.job.progressed.connect(lambda a, b: seen.append((a, b)))
        assert not r.make_button.isEnabled() and r.cancel_button.isEnabled()
    pdf = done.args[0]
    assert r.message.text().startswith("Report ready: ")
    assert r.open_button.isEnabled() and r.save_button.isEnabled()
    assert "Printed by Mark Hughes" in pdf_text(__import__("pathlib").Path(pdf))
    r.save_as()
    qtbot.waitUntil(lambda: r.message.text().startswith("Saved to"), timeout=10_000)
    assert saved_to.exists() and "Shift handover" in pdf_text(saved_to)
    assert r.make_button.isEnabled()
    r.grab().save(str(tmp_path / "reports.png"))


def test_progress_shows_and_cancel_stops_a_long_report(qtbot, home_db, tmp_path, monkeypatch):
    import time

    from emar.services.round.dose_outcomes import Cancelled

    def slow_report(db, request, out, *, progress, cancelled, **_kw):
        progress(50, 200)  # a quarter of a big home done
        while not cancelled():
            time.sleep(0.01)
        raise Cancelled

    monkeypatch.setattr("emar.ui.reports.window.make_report", slow_report)
    r = reports(qtbot, home_db, tmp_path)
    r.kind.setCurrentIndex(1)  # audit
    r.make()
    qtbot.waitUntil(
        lambda: r.progress.maximum() == 200 and r.progress.value() == 50, timeout=10_000
    )
    assert r.cancel_button.isEnabled() and not r.make_button.isEnabled()
    with qtbot.waitSignal(r.failed, timeout=10_000) as failed:
        r.cancel()
    assert failed.args == ["Cancelled: no report was made."]
    assert r.make_button.isEnabled() and not r.open_button.isEnabled()


def test_blank_mar_from_the_app_for_one_unit(qtbot, home_db, tmp_path):
    r = reports(qtbot, home_db, tmp_path)
    r.kind.setCurrentIndex(3)  # blank MAR
    r.unit.setCurrentIndex(1)
    with qtbot.waitSignal(r.done, timeout=30_000) as done:
        r.make()
    from pathlib import Path

    pdf = Path(done.args[0])
    assert "BLANK MAR for downtime: Wed 10 Jun 2026" in pdf_text(pdf)
    assert overflows(pdf) == []


def test_a_carer_cannot_open_reports(qtbot, home_db, tmp_path):
    window = open_window(qtbot, home_db, tmp_path, lambda: NOW)
    sign_in(qtbot, window, "amy")
    assert not window.menus.reports_action.isEnabled()
    window.menus.open_reports()
    assert "reports" not in window.menus.windows


def test_default_periods():
    night = default_period(ReportKind.HANDOVER, local(DAY, 6, 0), LONDON)
    assert night == (local(date(2026, 6, 9), 20, 0), local(DAY, 8, 0))
    evening = default_period(ReportKind.HANDOVER, local(DAY, 21, 0), LONDON)
    assert evening == (local(DAY, 20, 0), local(date(2026, 6, 11), 8, 0))
    start, end = default_period(ReportKind.AUDIT, local(DAY, 12, 0), LONDON)
    assert (end - start).days == 28 and end == local(date(2026, 6, 11), 0, 0)


def test_choosing_another_report_starts_afresh(qtbot, home_db, tmp_path):
    r = reports(qtbot, home_db, tmp_path)
    r.resident.setCurrentIndex(2)
    r.medicine.setText("amlo")
    with qtbot.waitSignal(r.done, timeout=30_000):
        r.make()
    assert r.open_button.isEnabled() and r.message.text().startswith("Report ready")
    r.kind.setCurrentIndex(1)  # Administration audit
    assert r.pdf is None and not r.open_button.isEnabled() and not r.save_button.isEnabled()
    assert r.message.text() == "" and r.progress.value() == 0
    assert r.resident.currentIndex() == 0 and r.medicine.text() == ""
    assert r.staff.isEnabled() and r.csv.isEnabled()
    r.staff.setCurrentIndex(1)
    r.kind.setCurrentIndex(0)  # Shift handover
    assert not r.staff.isEnabled() and r.staff.currentIndex() == 0
    assert r.start.dateTime().toString("HH:mm") == "08:00"


def test_a_resident_admitted_meanwhile_joins_the_lists_and_choices_and_period_stay(
    qtbot, home_db, tmp_path
):
    from emar.services.residents.admission import AdmissionForm, admit_resident
    from emar.ui.operations import RESIDENTS, WriteOp

    r = reports(qtbot, home_db, tmp_path)
    before = r.resident.count()
    r.resident.setCurrentIndex(3)
    chosen, start = r.resident.currentData(), r.start.dateTime()
    r.start.setDateTime(start.addDays(-1))  # a period someone set
    form = AdmissionForm("Nora", "Quinn", date(1931, 5, 2), 1, "G21", no_known_allergies=True)
    manager = r.staff_id()
    # written as the Manage window writes: an operation that announces RESIDENTS after commit
    WriteOp(r, lambda s: admit_resident(s, manager, form), RESIDENTS).run_in_background()
    qtbot.waitUntil(lambda: r.resident.count() == before + 1, timeout=10_000)
    assert any("Nora Quinn" in r.resident.itemText(i) for i in range(r.resident.count()))
    assert r.resident.currentData() == chosen
    assert r.start.dateTime() == start.addDays(-1)
