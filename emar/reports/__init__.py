"""Printed reports (reportlab PDFs) built from emar.reports.data and emar.services.charts.mar."""
