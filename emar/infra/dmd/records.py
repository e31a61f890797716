"""Plain records of the NHSBSA dm+d XML release, one per element the catalogue uses.

Codes stay text (SNOMED CT identifiers, and lookup codes such as "0001" keep their zeros);
quantities are Decimals as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Vtm:
    """A virtual therapeutic moiety: the substance as prescribed (paracetamol)."""

    code: str
    name: str
    invalid: bool


@dataclass(frozen=True, slots=True)
class Vmp:
    """A virtual medicinal product: the generic product (paracetamol 500 mg tablets)."""

    code: str
    name: str
    vtm_code: str | None
    previous_code: str | None  # VPIDPREV: the product's code before a change
    invalid: bool
    unit_dose_size: Decimal | None  # UDFS: e.g. 2 (ml in a vial), 1 (tablet)
    unit_dose_size_unit: str | None  # UDFS_UOMCD
    unit_dose_unit: str | None  # UNIT_DOSE_UOMCD: the discrete unit (vial, tablet)


@dataclass(frozen=True, slots=True)
class Vpi:
    """One ingredient of a VMP and its strength: numerator per denominator (or per unit dose
    when there is no denominator)."""

    vmp_code: str
    ingredient_code: str
    numerator: Decimal | None
    numerator_unit: str | None
    denominator: Decimal | None
    denominator_unit: str | None


@dataclass(frozen=True, slots=True)
class VmpForm:
    vmp_code: str
    form_code: str  # FORM lookup


@dataclass(frozen=True, slots=True)
class VmpRoute:
    vmp_code: str
    route_code: str  # ROUTE lookup


@dataclass(frozen=True, slots=True)
class VmpControl:
    vmp_code: str
    category_code: str  # CONTROL_DRUG_CATEGORY lookup


@dataclass(frozen=True, slots=True)
class Amp:
    """An actual medicinal product: one supplier's product of a VMP."""

    code: str
    vmp_code: str
    name: str
    description: str | None
    supplier_code: str | None
    invalid: bool


@dataclass(frozen=True, slots=True)
class AmpRoute:
    """A licensed route of an AMP."""

    amp_code: str
    route_code: str


@dataclass(frozen=True, slots=True)
class Vmpp:
    """A generic pack: a quantity of a VMP (28 tablet, 50 gram)."""

    code: str
    vmp_code: str
    name: str
    quantity: Decimal | None
    quantity_unit: str | None
    invalid: bool


@dataclass(frozen=True, slots=True)
class Ampp:
    """A supplier's pack of an AMP; its quantity is its VMPP's."""

    code: str
    amp_code: str
    vmpp_code: str
    name: str
    invalid: bool


@dataclass(frozen=True, slots=True)
class AmppPrice:
    """An AMPP's price in pence (the AMPP file's price section), valid from `since`."""

    ampp_code: str
    pence: int
    since: date | None


@dataclass(frozen=True, slots=True)
class IngredientSubstance:
    code: str  # ISID
    name: str
    previous_code: str | None
    invalid: bool


@dataclass(frozen=True, slots=True)
class LookupEntry:
    table: str  # FORM, ROUTE, UNIT_OF_MEASURE, CONTROL_DRUG_CATEGORY, SUPPLIER...
    code: str
    description: str


@dataclass(frozen=True, slots=True)
class Gtin:
    """A pack barcode of an AMPP, valid from `start` (and until `end` when it was replaced)."""

    ampp_code: str
    gtin: str
    start: date | None
    end: date | None


VmpFileRecord = Vmp | Vpi | VmpForm | VmpRoute | VmpControl
AmpFileRecord = Amp | AmpRoute
