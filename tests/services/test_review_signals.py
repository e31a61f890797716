"""The pharmacist's signals loaded from the database (both backends): the facts reach the rules,
the evidence names the right rows, the home's thresholds take effect, the review list ranks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from emar.domain.review.ranking import ReviewStatus
from emar.models import Administration, ResidentCondition
from emar.services.permissions import NotPermitted
from emar.services.review.signals import review_list, signals_for
from tests.support.homes import Home, local
from tests.support.review import add_condition, add_observation, add_plan, set_threshold

DAY = date(2026, 6, 10)
NOW = local(DAY, 12)


def refuse(s, line_id: int, days_ago: int, staff_id: int, note: str | None = None) -> int:
    at = local(DAY - timedelta(days=days_ago), 8)
    row = Administration(
        chart_line_id=line_id,
        scheduled_at=at,
        outcome="not_given",
        not_given_code="R",
        administered_at=at + timedelta(minutes=5),
        recorded_at=at + timedelta(minutes=5),
        staff_id=staff_id,
        note=note,
    )
    s.add(row)
    s.flush()
    return row.id


def kinds(signals, resident_id):
    return {x.kind for x in signals if x.resident_id == resident_id}


def test_signals_from_the_mar_and_the_residents_facts(home_db):
    home = Home(home_db)
    amy = home.staff["amy"]
    mary, ivy = home.residents["Mary Jones"], home.residents["Ivy Robinson"]
    edith, florence = home.residents["Edith Baker"], home.residents["Florence Lee"]
    john, stanley = home.residents["John Smith"], home.residents["Stanley Harris"]
    with home_db.write() as s:
        refusals = [
            refuse(s, home.line("Mary Jones", "Amlodipine"), d, amy, note)
            for d, note in ((1, "spat it out"), (2, None), (3, "said she had taken it"))
        ]
        for d in (1, 2):
            refuse(s, home.line("Ivy Robinson", "Amlodipine"), d, amy)
        plan = add_plan(s, edith, "inr", 28, amy)
        old_inr = add_observation(s, edith, "inr", Decimal("2.6"), NOW - timedelta(days=29), amy)
        add_plan(s, florence, "inr", 28, amy)
        add_observation(s, florence, "inr", Decimal("2.1"), NOW - timedelta(days=10), amy)
        dysphagia = add_condition(s, john, "dysphagia", amy)
        resolved = add_condition(s, stanley, "dysphagia", amy)
        s.add(
            ResidentCondition(
                resident_id=stanley,
                condition="dysphagia",
                status="resolved",
                recorded_by_id=amy,
                supersedes_id=resolved,
                change_reason="Swallow assessed as normal",
            )
        )
    with home_db.read() as s:
        found = signals_for(s, NOW, staff_id=home.staff["phil"])

    (refused,) = [x for x in found if x.resident_id == mary and x.kind == "refused_often"]
    assert refused.evidence == tuple(("administration", i) for i in refusals)
    assert "spat it out" in refused.detail and "said she had taken it" in refused.detail
    assert "refused_often" not in kinds(found, ivy)

    (overdue,) = [x for x in found if x.resident_id == edith and x.kind == "monitoring_overdue"]
    assert overdue.evidence == (("plan", plan), ("observation", old_inr))
    assert not {"monitoring_overdue", "monitoring_no_plan"} & kinds(found, florence)

    (solid,) = [x for x in found if x.kind == "solid_forms_dysphagia"]
    assert solid.resident_id == john and solid.evidence == (("condition", dysphagia),)
    assert "solid_forms_dysphagia" not in kinds(found, stanley)  # resolved


def test_the_homes_threshold_takes_effect(home_db):
    home = Home(home_db)
    amy, ivy = home.staff["amy"], home.residents["Ivy Robinson"]
    with home_db.write() as s:
        for d in (1, 2):
            refuse(s, home.line("Ivy Robinson", "Amlodipine"), d, amy)
    with home_db.read() as s:
        assert "refused_often" not in kinds(signals_for(s, NOW, [ivy]), ivy)
    with home_db.write() as s:
        set_threshold(s, "refused.in_7_days", Decimal(2), home.staff["mark"])
    with home_db.read() as s:
        assert "refused_often" in kinds(signals_for(s, NOW, [ivy]), ivy)


def test_the_review_list_ranks_urgent_first_and_everyone_is_due(home_db):
    home = Home(home_db)
    amy, edith = home.staff["amy"], home.residents["Edith Baker"]
    with home_db.write() as s:
        add_plan(s, edith, "inr", 28, amy)
    with home_db.read() as s:
        rows = review_list(s, home.staff["phil"], NOW)
        assert review_list(s, amy, NOW)  # a carer may look too
        with pytest.raises(NotPermitted):
            review_list(s, home.staff["sam"], NOW)
    # Reg Bennett's naproxen with apixaban, and with ramipril and furosemide (the triple
    # whammy); Edith's INR never recorded; Arthur Price's co-codamol and paracetamol PRN, up to
    # 8 g of paracetamol a day as charted (same ingredient), with more signals than Edith
    bennett, arthur = home.residents["Reginald Bennett"], home.residents["Arthur Price"]
    assert [(r.resident_id, r.urgent) for r in rows[:3]] == [(bennett, 2), (arthur, 1),
                                                             (edith, 1)]  # fmt: skip
    assert {r.status for r in rows} == {ReviewStatus.DUE}
    assert all(r.last_reviewed is None for r in rows)
    urgent = [r.urgent for r in rows]
    assert urgent == sorted(urgent, reverse=True)
