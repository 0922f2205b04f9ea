"""Building blocks shared by the reports: an HTML page, HTML and Markdown tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

# Long identifiers (ARNs, actions, paths) wrap only after a separator: `<wbr>` marks those
# points and nothing lets the browser break inside a word (no `overflow-wrap:anywhere`). What
# still cannot fit widens its table, which scrolls inside its own box, never the page.
CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2733}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d7dde4}
h3{font-size:15px;margin:18px 0 6px}
.table{overflow-x:auto;max-width:100%;margin:6px 0 12px}
table{border-collapse:collapse}td,th{border:1px solid #d7dde4;
padding:4px 8px;text-align:left;vertical-align:top;white-space:pre-line}th{background:#eef2f6}
code{font-size:12px}
.yes{color:#137333;font-weight:bold;text-align:center}.no{color:#8a94a0;text-align:center}
.meta th{font-weight:600;background:none}
.scroll{overflow-x:auto;border:1px solid #d7dde4;padding:6px}
details{margin:8px 0}summary{cursor:pointer;margin:6px 0}
svg.diagram{display:block;max-width:100%;height:auto}
svg.diagram rect{fill:#f4f7fb;stroke:#5b6b7f}svg.diagram .t{font:600 11px system-ui,sans-serif}
svg.diagram .k{font:10px system-ui,sans-serif;fill:#5b6b7f}
svg.diagram .s{font:11px ui-monospace,monospace;fill:#44515e}
svg.diagram rect.frame{fill:#fbfcfe;stroke:#b8c2cd;stroke-dasharray:4 3}
svg.diagram .g{font:600 12px system-ui,sans-serif;fill:#2f3e4e}
svg.diagram .edge{fill:none;stroke:#6f7d8c;stroke-width:1.4}
"""

# A cell's mark: ✓ where the answer is yes; a grey dash, not a red ✗, where it is no, since
# "not needed" or "not granted" is the expected answer there, not a failure.
MARKS = {True: "✓", False: "—"}

# After these a long identifier may wrap: `sagemaker:|DescribeModelPackage`, `arn:aws:s3:::|b/|k`.
_BREAK_AFTER = re.compile(r"([:/,=_.@{}]+)(?=\S)")


def breakable(text: str) -> str:
    """`text` escaped for HTML, with a wrap opportunity after each separator of a long token."""
    return "".join(
        _BREAK_AFTER.sub(r"\1<wbr>", escape(token)) if len(token) > 12 else escape(token)
        for token in re.split(r"(\s+)", text)
    )


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
    return f"<{tag}>{breakable(str(value))}</{tag}>"


def html_table(headers: Sequence[str], rows: Sequence[Sequence[object]], css: str = "") -> str:
    """A table in a box that scrolls sideways if it must; no header row when `headers` is
    empty."""
    head = "".join(f"<th>{breakable(h)}</th>" for h in headers)
    thead = f"<thead><tr>{head}</tr></thead>" if headers else ""
    body = "".join("<tr>" + "".join(_cell(v, "td") for v in row) + "</tr>" for row in rows)
    cls = f' class="{css}"' if css else ""
    return f'<div class="table"><table{cls}>{thead}<tbody>{body}</tbody></table></div>'


def html_fields(rows: Sequence[tuple[str, object]]) -> str:
    """Name → value pairs: a table whose names head their rows, with no header row."""
    body = "".join(f"<tr><th>{escape(k)}</th>{_cell(v, 'td')}</tr>" for k, v in rows)
    return f'<div class="table"><table class="meta"><tbody>{body}</tbody></table></div>'


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def text(value: object) -> str:
        shown = MARKS[value] if isinstance(value, bool) else str(value)
        return shown.replace("|", "\\|").replace("\n", "<br>")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(text(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
