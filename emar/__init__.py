"""eMAR: electronic Medicines Administration Record for care homes."""

__version__ = "0.1.0"
