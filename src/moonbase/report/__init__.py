"""The report: build (results -> report model with figures) and render (HTML)."""
