"""Renderers: report dataclasses to text, JSON, HTML, DOCX; they compute no findings."""
