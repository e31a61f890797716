"""Printed reports (reportlab PDFs): each report's data module (handover_data.py...) beside its
drawing (handover.py...), all over emar.reports.data's scope and shared reads."""
