"""Barcode scanners, barcode parsing and label printing (Qt-free)."""
