"""Render a report model as one self-contained HTML page (figures embedded)."""

from __future__ import annotations

import jinja2

from moonbase.report.build import ReportModel

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("moonbase", "report/templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    undefined=jinja2.StrictUndefined,
)


def render_html(model: ReportModel) -> str:
    """Return the report as a self-contained HTML document."""
    return _environment.get_template("report.html.j2").render(report=model)
