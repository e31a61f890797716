"""Printed reports (reportlab PDFs) built from emar.services.report_data and emar.services.mar."""
