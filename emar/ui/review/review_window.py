"""One resident's medication review: who they are (age, weight and its date, allergies in red,
conditions), the chart with each line's use over 28 and 90 days and the signals beside the lines
they concern, the totals (medicines, anticholinergic burden); for a pharmacist the review form,
signed with their PIN; below, the signed reviews and the recommendations with their status,
where a nurse or manager records the GP's answer or the next step. Everyone else reads only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from emar.domain.doses import LineFacts
from emar.domain.line_periods import ACTIVE
from emar.domain.review.line_use import SHORT, UseTotals
from emar.domain.review.signals import Signal as ReviewSignal
from emar.errors import EmarError
from emar.infra.db import Session
from emar.services.charts.reading import ChartLineView, resident_chart
from emar.services.home import get_home
from emar.services.permissions import Action, allowed
from emar.services.residents.allergies import ResidentAllergies, list_allergies
from emar.services.residents.health import ResidentHealth, resident_health
from emar.services.residents.reading import ResidentSummary, list_residents
from emar.services.review.line_use import ChartUse, resident_line_use
from emar.services.review.records import (
    LineAssessment,
    RecommendationView,
    ReviewView,
    list_recommendations,
    move_recommendation,
    reviews_of,
    sign_review,
)
from emar.services.review.signals import signals_for
from emar.services.staff.accounts import StaffView
from emar.services.staff.signing import Signature
from emar.ui.operations import CHARTS, RECORDS, RESIDENTS, REVIEWS, Desk, QueryOp, WriteOp
from emar.ui.review.dialogs import ReviewQuestions
from emar.ui.review.form import ReviewFormPanel
from emar.ui.review.strip import UseStrip, legend
from emar.ui.tasks import TaskRunner
from emar.ui.widgets.layout import list_view
from emar.ui.widgets.message_line import MessageLine
from emar.ui.widgets.table_models import RowTableModel
from emar.ui.widgets.window_keys import close_with_keys

ASSESSMENTS = ("continue", "stop", "reduce", "change", "monitor", "refer")
NEXT_STEPS = ("sent", "accepted", "declined", "actioned", "outcome reviewed")
WHOLE_CHART = 3  # a signal about more lines than this is shown at the top, not on each line


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class ReviewPage:
    zone: ZoneInfo
    today: date
    resident: ResidentSummary
    allergies: ResidentAllergies
    health: ResidentHealth
    chart: ChartUse
    views: dict[int, ChartLineView]
    signals: list[ReviewSignal]


def read_page(s: Session, staff_id: int | None, resident_id: int, now: datetime) -> ReviewPage:
    chart = resident_line_use(s, staff_id, resident_id, now)  # checks who may look
    zone = get_home(s).zone
    found = [r for r in list_residents(s, now) if r.id == resident_id]
    if not found:
        raise EmarError("This resident no longer lives in the home.")
    return ReviewPage(
        zone,
        now.astimezone(zone).date(),
        found[0],
        list_allergies(s, resident_id),
        resident_health(s, resident_id),
        chart,
        {v.id: v for v in resident_chart(s, resident_id, now, include_finished=True)},
        signals_for(s, now, [resident_id], staff_id=staff_id),
    )


def _latest(page: ReviewPage, kind: str, name: str) -> str | None:
    """ "weight 48.5 kg on 02/06/2026": the latest observation of a kind, with its date."""
    found = page.health.latest_of(kind)
    if found is None:
        return None
    value = found.shown.removeprefix(found.label).strip()
    return f"{name} {value} on {found.observed_at.astimezone(page.zone):%d/%m/%Y}"


@dataclass(frozen=True)
class Records:
    reviews: list[ReviewView]
    recommendations: list[RecommendationView]


def _latest_note(r: RecommendationView) -> str:
    """The reason of the latest step (the GP's reason for declining, how it was done)."""
    last = r.history[-1]
    return f"\n{last.status.capitalize()}: {last.reason}" if last.reason else ""


class RecommendationModel(RowTableModel[RecommendationView]):
    columns = (
        ("To", lambda r: "GP" if r.addressed_to == "gp" else "Home"),
        ("Kind", lambda r: r.kind),
        ("Medicine", lambda r: r.medicine or ""),
        ("Status", lambda r: r.status + ("  OVERDUE" if r.overdue else "")),
        ("Since", lambda r: f"{r.status_at:%d/%m/%Y}"),
        ("Due", lambda r: f"{r.due_on:%d/%m/%Y}" if r.due_on else ""),
        # the text last, wrapped in the room left: the status is never scrolled out of sight
        ("Recommendation (latest note)", lambda r: r.text + _latest_note(r)),
    )

    def extra_data(self, item: RecommendationView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column == 3:
            if item.overdue:
                return QBrush(QColor("#f5c2c7"))
            if item.status in ("proposed", "sent"):
                return QBrush(QColor("#fff3cd"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(
                f"{h.at:%d/%m/%Y %H:%M} {h.status} by {h.by}"
                + (f": {h.reason}" if h.reason else "")
                for h in item.history
            )
        return None


def _caption(t: UseTotals, days: int, is_prn: bool) -> str:
    """ "9 given, 1 refused": only what happened, in the strip's words."""
    if is_prn:
        return f"{t.prn} PRN doses on {t.prn_days} of {days} days"
    parts = [
        (t.given, "given"),
        (t.late, "late"),
        (t.refused, "refused"),
        (t.withheld, "withheld"),
        (t.not_given, "not given"),
        (t.missed, "not recorded"),
    ]
    return ", ".join(f"{n} {word}" for n, word in parts if n) or "nothing recorded"


def _signal_label(s: ReviewSignal, short: bool) -> QLabel:
    label = QLabel(s.title if short else f"<b>{escape(s.title)}</b>: {escape(s.detail)}")
    label.setObjectName("signal")
    label.setProperty("severity", s.severity.value)
    label.setWordWrap(True)
    label.setToolTip(f"{s.detail}\nSource: {s.source}")
    return label


class ReviewWindow(QWidget):
    loaded = Signal()
    records_loaded = Signal()
    signed = Signal(int)
    moved = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        desk: Desk,
        staff_id: Callable[[], int | None],
        user: Callable[[], StaffView | None],
        resident_id: int,
        questions: ReviewQuestions | None = None,
    ) -> None:
        super().__init__()
        close_with_keys(self)
        self.setWindowTitle("eMAR: medication review")
        self.resize(1340, 740)
        self.desk, self.staff_id, self.user = desk, staff_id, user
        self.resident_id = resident_id
        self.questions = questions or ReviewQuestions()
        self.tasks = TaskRunner(self)
        self.page: ReviewPage | None = None
        role = user().role if user() else ""
        self.may_review = allowed(role, Action.REVIEW)
        self.may_move = allowed(role, Action.EDIT_CHARTS) or self.may_review
        self.assessments: dict[int, tuple[QComboBox, QLineEdit]] = {}

        self.name = QLabel("")
        self.name.setObjectName("reviewName")
        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        self.allergies = QLabel("")
        self.allergies.setObjectName("bannerAllergies")
        self.allergies.setWordWrap(True)
        self.conditions = QLabel("")
        self.conditions.setWordWrap(True)
        self.totals = QLabel("")
        self.totals.setObjectName("reviewTotals")
        self.top_signals = QVBoxLayout()
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        chart = QWidget()
        chart_layout = QVBoxLayout(chart)
        chart_layout.addLayout(self.top_signals)
        chart_layout.addLayout(self.grid)
        chart_layout.addStretch(1)

        self.form = ReviewFormPanel(desk.clock().date())
        self.form.sign.clicked.connect(self.sign)
        self.form.setVisible(self.may_review)

        self.reviews_text = QLabel("Loading…")
        self.reviews_text.setWordWrap(True)
        self.reviews_text.setTextFormat(Qt.TextFormat.RichText)
        self.recommendations = RecommendationModel(self)
        self.rec_view = list_view(self.recommendations)
        self.rec_view.setWordWrap(True)
        header = self.rec_view.horizontalHeader()
        header.setSectionResizeMode(
            len(RecommendationModel.columns) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.rec_view.setMinimumHeight(140)
        self.next_step = QComboBox()
        self.next_step.addItems(list(NEXT_STEPS))
        self.move_button = QPushButton("Rec&ord step for the selected recommendation…")
        self.move_button.clicked.connect(self.move_selected)
        for w in (self.next_step, self.move_button):
            w.setVisible(self.may_move)
        self.message = MessageLine()

        body = QWidget()
        layout = QVBoxLayout(body)
        header = QVBoxLayout()
        header.addWidget(self.name)
        header.addWidget(self.facts)
        header.addWidget(self.allergies)
        header.addWidget(self.conditions)
        header.addWidget(self.totals)
        layout.addLayout(header)
        chart_label = QLabel(
            "<b>C&hart</b>: each line's last 28 and 90 days (hover a day for its doses)"
            + ("; your assessment of each line on the right" if self.may_review else "")
        )
        layout.addWidget(chart_label)
        self.chart_label = chart_label
        layout.addWidget(chart)
        layout.addWidget(legend())
        layout.addWidget(self.form)
        layout.addWidget(QLabel("<b>Signed reviews</b>"))
        layout.addWidget(self.reviews_text)
        rec_label = QLabel("<b>Re&commendations</b> and where each has got to")
        rec_label.setBuddy(self.rec_view)
        layout.addWidget(rec_label)
        layout.addWidget(self.rec_view)
        step_row = QHBoxLayout()
        step_row.addWidget(self.next_step)
        step_row.addWidget(self.move_button)
        step_row.addStretch(1)
        layout.addLayout(step_row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.message)
        desk.changes.happened.connect(self._changed)
        self.refresh()

    # --- reading ------------------------------------------------------------------------------
    def fail(self, exc: BaseException) -> None:
        self.failed.emit(self.message.failure(exc, "not done"))

    def _changed(self, kind: str) -> None:
        if kind in (RECORDS, CHARTS, RESIDENTS, REVIEWS) and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        staff, rid, now = self.staff_id(), self.resident_id, self.desk.clock()
        QueryOp(self, lambda s: read_page(s, staff, rid, now)).latest("page").success(
            self._show_page
        ).run_in_background()
        self.refresh_records()

    def refresh_records(self) -> None:
        staff, rid, now = self.staff_id(), self.resident_id, self.desk.clock()

        def fetch(s: Session) -> Records:
            return Records(
                reviews_of(s, staff, rid),
                list_recommendations(s, staff, now, resident_id=rid),
            )

        QueryOp(self, fetch).latest("records").success(self._show_records).failure(
            self._records_failed
        ).run_in_background()

    def _show_page(self, page: ReviewPage) -> None:
        self.page = page
        self.form.set_today(page.today)
        r = page.resident
        self.setWindowTitle(f"eMAR: medication review: {r.name}")
        self.name.setText(f"{r.name}   ·   Room {r.room}, {r.unit}")
        weight_text = _latest(page, "weight", "weight") or "no weight recorded"
        egfr = _latest(page, "egfr", "eGFR")
        egfr_text = f"   ·   {egfr}" if egfr else ""
        self.facts.setText(
            f"Age {age_on(r.date_of_birth, page.today)} (born {r.date_of_birth:%d/%m/%Y})   ·   "
            f"{weight_text}{egfr_text}"
            + (f"   ·   Swallowing: {r.swallowing_needs}" if r.swallowing_needs else "")
        )
        allergy = page.allergies
        self.allergies.setText(
            f"ALLERGIES: {allergy.summary}" if allergy.active else allergy.summary
        )
        state = "allergy" if allergy.active else (
            "none" if allergy.no_known_allergies else "unknown"
        )  # fmt: skip
        self.allergies.setProperty("state", state)
        self.allergies.style().unpolish(self.allergies)
        self.allergies.style().polish(self.allergies)
        conditions = ", ".join(c.label for c in page.health.conditions)
        self.conditions.setText(f"Conditions: {conditions or 'none recorded'}")
        chart = page.chart
        acb = ", ".join(f"{k} {v}" for k, v in chart.acb.items())
        self.totals.setText(
            f"{chart.regular_medicines} regular medicines, {chart.prn_lines} when required"
            f"   ·   anticholinergic burden {chart.acb_total}" + (f" ({acb})" if acb else "")
        )
        self._show_chart(page)
        self.form.set_lines(
            [(line.medicine, line.id) for line in chart.lines if line.status == ACTIVE]
        )
        self.loaded.emit()

    def _clear_chart(self) -> None:
        for layout in (self.grid, self.top_signals):
            while layout.count():
                item = layout.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()

    def _show_chart(self, page: ReviewPage) -> None:
        """One row a line; what was typed in an assessment is kept across a refresh."""
        typed = {
            lid: (combo.currentText(), reason.text())
            for lid, (combo, reason) in self.assessments.items()
        }
        self._clear_chart()
        self.assessments = {}
        line_ids = {line.id for line in page.chart.lines}
        for s in page.signals:
            concerned = [i for i in s.chart_line_ids if i in line_ids]
            if not concerned or len(concerned) > WHOLE_CHART:
                self.top_signals.addWidget(_signal_label(s, short=False))
        heads = ["Medicine", "Last 28 days", "Last 90 days", "Signals"]
        if self.may_review:
            heads += ["Assessment", "Reason"]
        for c, text in enumerate(heads):
            self.grid.addWidget(QLabel(f"<b>{text}</b>"), 0, c)
        for r, line in enumerate(page.chart.lines, start=1):
            self._add_line(page, line, r, typed.get(line.id))
        self.grid.setColumnStretch(3, 1)
        if self.may_review and self.assessments:
            first = next(iter(self.assessments.values()))[0]
            self.chart_label.setBuddy(first)

    def _line_text(self, page: ReviewPage, line: LineFacts) -> str:
        view = page.views.get(line.id)
        how = f"{view.dose} {view.route}, {view.timing}" if view else ""
        status = "" if line.status == ACTIVE else f"   [{line.status.upper()}]"
        flags = "  [HIGH RISK]" if line.high_risk else ""
        return f"<b>{escape(line.medicine)}</b>{status}{flags}<br>{escape(how)}"

    def _add_line(
        self, page: ReviewPage, line: LineFacts, row: int, typed: tuple[str, str] | None
    ) -> None:
        name = QLabel(self._line_text(page, line))
        name.setWordWrap(True)
        name.setMinimumWidth(240)
        name.setMaximumWidth(320)
        if line.status != ACTIVE:
            name.setStyleSheet("color: #555555;")
        self.grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)  # a row reads across its top
        use = page.chart.use[line.id]
        short = UseStrip(use.last(SHORT), use.is_prn, 8)
        short.setObjectName(f"strip28_{line.id}")
        long = UseStrip(use.days, use.is_prn, 3)
        long.setObjectName(f"strip90_{line.id}")
        t28, t90 = use.totals(SHORT), use.totals(len(use.days))
        for strip, t, n in ((short, t28, SHORT), (long, t90, len(use.days))):
            said = _caption(t, n, use.is_prn)
            strip.setToolTip(said)
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(strip)
            caption = QLabel(said)
            caption.setStyleSheet("font-size: 12px; color: #333333;")
            caption.setWordWrap(True)
            caption.setMaximumWidth(strip.width())
            box.addWidget(caption)
            holder = QWidget()
            holder.setLayout(box)
            self.grid.addWidget(holder, row, 1 if strip is short else 2, Qt.AlignmentFlag.AlignTop)
        signals = QVBoxLayout()
        for s in page.signals:
            concerned = [i for i in s.chart_line_ids if i in page.chart.use]
            if line.id in concerned and len(concerned) <= WHOLE_CHART:
                signals.addWidget(_signal_label(s, short=True))
        holder = QWidget()
        holder.setLayout(signals)
        self.grid.addWidget(holder, row, 3, Qt.AlignmentFlag.AlignTop)
        if self.may_review:
            combo = QComboBox()
            combo.addItems(["", *ASSESSMENTS])
            combo.setObjectName(f"assess_{line.id}")
            combo.setAccessibleName(f"Assessment of {line.medicine}")
            reason = QLineEdit(placeholderText="why")
            reason.setObjectName(f"reason_{line.id}")
            reason.setMinimumWidth(180)
            if typed:
                combo.setCurrentText(typed[0])
                reason.setText(typed[1])
            self.grid.addWidget(combo, row, 4, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(reason, row, 5, Qt.AlignmentFlag.AlignTop)
            self.assessments[line.id] = (combo, reason)

    def _show_records(self, records: Records) -> None:
        zone = self.page.zone if self.page else None
        if records.reviews:
            self.reviews_text.setText(
                "<br><br>".join(self._review_html(v, zone) for v in records.reviews)
            )
        else:
            self.reviews_text.setText("No signed review yet.")
        self.recommendations.set_rows(records.recommendations)
        self.rec_view.resizeRowsToContents()
        # every recommendation in sight (the window scrolls, not the table), up to ten
        shown = sum(
            self.rec_view.rowHeight(i) for i in range(min(10, len(records.recommendations)))
        )
        self.rec_view.setMinimumHeight(
            max(140, shown + self.rec_view.horizontalHeader().height() + 6)
        )
        self.records_loaded.emit()

    @staticmethod
    def _review_html(v: ReviewView, zone: ZoneInfo | None) -> str:
        at = v.signed_at.astimezone(zone) if zone else v.signed_at
        parts = [
            f"<b>{at:%d/%m/%Y %H:%M}, {escape(v.pharmacist)}</b> ({escape(v.mode)}; with "
            f"{escape(v.participants)})"
        ]
        if v.what_matters:
            parts.append(f"What matters: {escape(v.what_matters)}")
        if v.summary:
            parts.append(f"Summary: {escape(v.summary)}")
        if v.assessments:
            parts.append(f"{len(v.assessments)} lines assessed")
        if v.next_review_on:
            parts.append(f"Next review by {v.next_review_on:%d/%m/%Y}")
        return "<br>".join(parts)

    def _records_failed(self, exc: BaseException) -> None:
        self.reviews_text.setText(
            f"The signed reviews cannot be shown: {str(exc) or 'not available yet'}"
        )
        self.recommendations.set_rows([])

    # --- writing ------------------------------------------------------------------------------
    def line_assessments(self) -> list[LineAssessment]:
        return [
            LineAssessment(lid, combo.currentText(), reason.text().strip() or None)
            for lid, (combo, reason) in self.assessments.items()
            if combo.currentText()
        ]

    def sign(self) -> None:
        user = self.user()
        if user is None or not self.may_review:
            self.fail(EmarError("Only a pharmacist signed in may sign a review."))
            return
        try:
            form = self.form.collect(self.resident_id, self.line_assessments)
        except EmarError as exc:
            self.fail(exc)
            return
        pin = self.questions.ask_pin(self, user.full_name)
        if pin is None:
            return
        now = self.desk.clock()
        signature = Signature(user.username, pin)
        WriteOp(self, lambda s: sign_review(s, signature, form, now), REVIEWS).signed().success(
            self._signed
        ).run_in_background()

    def _signed(self, review_id: int) -> None:
        self.form.reset(self.page.today if self.page else self.desk.clock().date())
        for combo, reason in self.assessments.values():
            combo.setCurrentIndex(0)
            reason.clear()
        self.message.success("Review signed. It is kept as it is: a new review adds to it.")
        self.signed.emit(review_id)

    def selected_recommendation(self) -> RecommendationView | None:
        rows = self.rec_view.selectionModel().selectedRows()
        return self.recommendations.row(rows[0].row()) if rows else None

    def move_selected(self) -> None:
        rec, staff = self.selected_recommendation(), self.staff_id()
        if rec is None or staff is None:
            self.fail(EmarError("Choose the recommendation first."))
            return
        status = self.next_step.currentText()
        reason = None
        if status == "declined":
            reason = self.questions.ask_reason(
                self, "Declined", f"Why was it declined? ({rec.text})"
            )
            if reason is None:
                return
        now = self.desk.clock()
        WriteOp(
            self, lambda s: move_recommendation(s, staff, rec.id, status, now, reason), REVIEWS
        ).success(lambda v: self._moved(v.status)).run_in_background()

    def _moved(self, status: str) -> None:
        self.moved.emit(self.message.success(f"Recommendation now: {status}."))

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.tasks.drop_pending()
        super().closeEvent(event)
