"""Building blocks shared by the reports: an HTML page, HTML and Markdown tables."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2733}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d7dde4}
table{border-collapse:collapse;margin:6px 0 12px;max-width:100%}td,th{border:1px solid #d7dde4;
padding:4px 8px;text-align:left;vertical-align:top}th{background:#eef2f6}
table.names td{overflow-wrap:anywhere}code{font-size:12px;overflow-wrap:anywhere}
.yes{color:#137333;font-weight:bold;text-align:center}.no{color:#a50e0e;text-align:center}
.meta td:first-child{font-weight:600}.scroll{overflow-x:auto;border:1px solid #d7dde4;padding:6px}
svg.diagram{display:block;max-width:100%;height:auto}
svg.diagram rect{fill:#f4f7fb;stroke:#5b6b7f}svg.diagram .t{font:600 11px system-ui,sans-serif}
svg.diagram .k{font:10px system-ui,sans-serif;fill:#5b6b7f}
svg.diagram .s{font:11px ui-monospace,monospace;fill:#44515e}
svg.diagram .edge{fill:none;stroke:#8996a5;stroke-width:1.2}
"""

MARKS = {True: "✓", False: "✗"}


def html_page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"{body}</body></html>\n"
    )


def _cell(value: object, tag: str) -> str:
    if isinstance(value, bool):
        css = "yes" if value else "no"
        return f'<{tag} class="{css}">{MARKS[value]}</{tag}>'
    return f"<{tag}>{escape(str(value))}</{tag}>"


def html_table(headers: Sequence[str], rows: Sequence[Sequence[object]], css: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(v, "td") for v in row) + "</tr>" for row in rows)
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def text(value: object) -> str:
        shown = MARKS[value] if isinstance(value, bool) else str(value)
        return shown.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(text(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
