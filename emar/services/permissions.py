"""Who may do what: one declared role x action matrix, enforced by the services themselves."""

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from emar.errors import EmarError
from emar.models import Role, Staff


class Action(StrEnum):
    VIEW_CHARTS = "view charts and the MAR"
    ADMINISTER = "record administrations"
    WITNESS = "witness controlled drugs"
    OVERRIDE = "override a blocked administration"
    CORRECT = "correct an administration record"
    EDIT_CHARTS = "transcribe chart lines"
    CHECK_CHARTS = "check transcribed chart lines"
    RECORD_ALLERGIES = "record an allergy"
    REVIEW_ALLERGIES = "change, resolve or withdraw an allergy, or record none known"
    RECORD_HEALTH = "record a weight, a fall or a test result"
    MANAGE_HEALTH = "record conditions and monitoring plans; correct or withdraw health records"
    MANAGE_STOCK = "book in and adjust stock"
    RUN_REPORTS = "print reports"
    REVIEW = "write pharmacist reviews"
    MANAGE_USERS = "manage staff accounts"
    MANAGE_SETTINGS = "change home settings"
    VERIFY_AUDIT = "verify the audit trail and make backups"
    SET_THRESHOLDS = "change the home's signal thresholds"
    RECORD_RECOMMENDATION_ANSWER = (
        "record a recommendation sent, and the GP's answer (accepted or declined)"
    )


# Anyone clinical may add an allergy the moment they learn of it (safety first); taking one
# away or saying there is none is a clinical judgement for a senior, a nurse or a pharmacist.
# So with a weight, a fall or a result: anyone clinical records it; a condition, a monitoring
# plan, or a correction is for a nurse, the manager or the pharmacist.
# The pharmacist proposes recommendations (REVIEW) and reviews their outcome; a nurse or the
# manager records them sent and the GP's answer, and carries them out on the chart.
_CARE = {
    Action.VIEW_CHARTS,
    Action.ADMINISTER,
    Action.WITNESS,
    Action.RECORD_ALLERGIES,
    Action.RECORD_HEALTH,
}
_SENIOR = _CARE | {
    Action.REVIEW_ALLERGIES,
    Action.OVERRIDE,
    Action.CORRECT,
    Action.CHECK_CHARTS,
    Action.MANAGE_STOCK,
    Action.RUN_REPORTS,
}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.CARER: frozenset(_CARE),
    Role.SENIOR_CARER: frozenset(_SENIOR),
    Role.NURSE: frozenset(
        _SENIOR | {Action.EDIT_CHARTS, Action.MANAGE_HEALTH, Action.RECORD_RECOMMENDATION_ANSWER}
    ),
    Role.MANAGER: frozenset(
        _SENIOR
        | {
            Action.EDIT_CHARTS,
            Action.MANAGE_HEALTH,
            Action.MANAGE_USERS,
            Action.MANAGE_SETTINGS,
            Action.VERIFY_AUDIT,
            Action.SET_THRESHOLDS,
            Action.RECORD_RECOMMENDATION_ANSWER,
        }
    ),
    Role.PHARMACIST: frozenset(
        {
            Action.VIEW_CHARTS,
            Action.REVIEW,
            Action.RUN_REPORTS,
            Action.RECORD_ALLERGIES,
            Action.REVIEW_ALLERGIES,
            Action.RECORD_HEALTH,
            Action.MANAGE_HEALTH,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {Action.MANAGE_USERS, Action.MANAGE_SETTINGS, Action.VERIFY_AUDIT}
    ),
}

ROLE_LABELS = {
    Role.CARER: "carer",
    Role.SENIOR_CARER: "senior carer",
    Role.NURSE: "nurse",
    Role.MANAGER: "manager",
    Role.PHARMACIST: "pharmacist",
    Role.ADMINISTRATOR: "administrator",
}


class NotPermitted(EmarError):
    """The signed-in person's role does not allow this; nothing was changed."""


def allowed(role: str, action: Action) -> bool:
    try:
        return action in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def require(session: Session, staff_id: int, action: Action, *, doing: str | None = None) -> Staff:
    """The active staff member, if their role allows `action`; else NotPermitted, naming what
    they tried (`doing`, e.g. "move residents", where the action's name would not say it)."""
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.active:
        raise NotPermitted("Unknown or inactive user: sign in again.")
    if not allowed(staff.role, action):
        label = ROLE_LABELS.get(Role(staff.role), staff.role)
        raise NotPermitted(f"{staff.full_name} ({label}) may not {doing or action.value}.")
    return staff


def matrix_markdown() -> str:
    """The role x action matrix as a Markdown table (docs/roles.md quotes it)."""
    roles = list(Role)
    head = "| Action | " + " | ".join(ROLE_LABELS[r] for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    rows = [
        f"| {action.value} | "
        + " | ".join("yes" if action in PERMISSIONS[r] else "-" for r in roles)
        + " |"
        for action in Action
    ]
    return "\n".join([head, rule, *rows])


def setting_up(session: Session) -> bool:
    """No manager or administrator yet: the home is being set up, and nobody could sign for
    what only they may do. The first accounts, units and the home itself are made then."""
    managers = (Role.MANAGER.value, Role.ADMINISTRATOR.value)
    return session.scalar(select(Staff.id).where(Staff.role.in_(managers)).limit(1)) is None


def require_unless_setting_up(
    session: Session, staff_id: int | None, action: Action
) -> Staff | None:
    """`require`, except while the home is being set up (see `setting_up`), when no one is
    signed in to sign for it."""
    if staff_id is None:
        if setting_up(session):
            return None
        raise NotPermitted(f"Sign in as someone who may {action.value}.")
    return require(session, staff_id, action)
