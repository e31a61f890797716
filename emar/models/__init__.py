"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from emar.models.administration import Administration, NotGivenCode, PrnOutcome
from emar.models.audit import AuditEvent
from emar.models.base import Base, UTCDateTime, utcnow
from emar.models.chart import ChartLine, ChartLineEvent
from emar.models.home import CareHome, Room, Unit
from emar.models.homely import HomelyAuthorisation, HomelyRemedy, HomelyStock
from emar.models.medicine import (
    Ingredient,
    Medicine,
    MedicineGtin,
    MedicineIngredient,
    PackPrice,
)
from emar.models.order import MedicineOrder, MedicineOrderLine, ReceiptCheck, ReceiptCheckLine
from emar.models.resident import Absence, Allergy, Resident
from emar.models.resident_facts import (
    MonitoringPlan,
    ResidentCondition,
    ResidentObservation,
    SignalThreshold,
)
from emar.models.review import (
    MedicationReview,
    Recommendation,
    RecommendationEvent,
    ReviewLineAssessment,
)
from emar.models.staff import Role, Staff
from emar.models.stock import ReturnBatch, ReturnBatchItem, StockMovement

__all__ = [
    "Absence",
    "Administration",
    "Allergy",
    "AuditEvent",
    "Base",
    "CareHome",
    "ChartLine",
    "ChartLineEvent",
    "HomelyAuthorisation",
    "HomelyRemedy",
    "HomelyStock",
    "Ingredient",
    "MedicationReview",
    "Medicine",
    "MedicineGtin",
    "MedicineIngredient",
    "MedicineOrder",
    "MedicineOrderLine",
    "MonitoringPlan",
    "NotGivenCode",
    "PackPrice",
    "PrnOutcome",
    "ReceiptCheck",
    "ReceiptCheckLine",
    "Recommendation",
    "RecommendationEvent",
    "Resident",
    "ResidentCondition",
    "ResidentObservation",
    "ReturnBatch",
    "ReturnBatchItem",
    "ReviewLineAssessment",
    "Role",
    "Room",
    "SignalThreshold",
    "Staff",
    "StockMovement",
    "UTCDateTime",
    "Unit",
    "utcnow",
]
