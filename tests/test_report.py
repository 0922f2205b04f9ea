"""create-report: self-contained HTML + Markdown with resources, marks, matrix and diagram."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import escape, unescape
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

from conftest import CliRunner, all_ml_configs, all_sec_configs
from provisioner.config.ml import MlConfig
from provisioner.ml.operator_policy import operator_policy
from provisioner.ml.permission_summary import COLUMNS, permission_summary
from provisioner.ml.plan import plan_stack
from provisioner.naming.ml import MlNames
from provisioner.policy.evaluation import Request, evaluate
from provisioner.report.diagram import elide, wrap
from provisioner.report.ml_report import render_ml_report
from provisioner.report.sec_report import render_sec_report
from provisioner.sec.plan import plan_stacks

EXTERNAL_LOAD = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE)


def assert_self_contained(html: str) -> None:
    assert not EXTERNAL_LOAD.search(html)
    assert "<script" not in html and "<link" not in html and "@import" not in html


def test_ml_report_lists_every_resource(ml_config: MlConfig) -> None:
    html, markdown = render_ml_report(ml_config)
    assert_self_contained(html)
    plan = plan_stack(ml_config)
    for resource in plan.resources:
        escaped = resource.physical_name.replace("&", "&amp;").replace("'", "&#x27;")
        assert escaped in html and resource.physical_name in markdown
    assert svg_of(html).count('class="node"') == len(plan.resources)
    assert markdown.count("```mermaid") == 1


def test_ml_report_permission_marks(ml_config: MlConfig) -> None:
    _html, markdown = render_ml_report(ml_config)
    policy = operator_policy(ml_config)
    summary = permission_summary(policy)
    services = {a.split(":")[0] for a in policy.actions}
    # A column for each service the tier uses, none for the others, in the seed's order.
    assert [s for s, _ in summary.columns] == [s for s, _ in COLUMNS if s in services]
    rows = {r.action: r.needs for r in summary.rows}
    assert not any(rows["create-template"])  # local actions need nothing
    assert all(rows["deploy"])  # deploy needs every service the tier uses
    assert rows["show-changes"][0] and sum(rows["show-changes"]) == 1
    assert ("EC2" in summary.labels) == (ml_config.tier.value == "enterprise")
    assert ("KMS" in summary.labels) == (ml_config.tier.value == "enterprise")
    assert ("S3" in summary.labels) == (ml_config.tier.value != "starter")
    deploy_line = next(line for line in markdown.splitlines() if line.startswith("| deploy |"))
    assert deploy_line.count("✓") == len(summary.columns) and "✗" not in markdown
    status_line = next(line for line in markdown.splitlines() if line.startswith("| status |"))
    assert status_line.count("—") == len(summary.columns) - 2  # CloudFormation and SSM only


def test_sec_report_matrix_and_trust() -> None:
    for config in all_sec_configs():
        html, markdown = render_sec_report(config)
        assert_self_contained(html)
        for team in config.teams:
            for persona in team.personas:
                line = next(
                    line
                    for line in markdown.splitlines()
                    if line.startswith(f"| {team.name} | {persona.value} |")
                )
                marks = line.split("|")[3:-1]
                approve = marks[6].strip()
                assert approve == ("✓" if persona.value == "ml-engineer" else "—")
                write = marks[2].strip()
                assert write == ("—" if persona.value == "viewer" else "✓")
        for account in config.trusted_accounts:
            assert f"arn:aws:iam::{account.account_id}:root" in markdown
            assert account.external_id in markdown
        roles = [r for p in plan_stacks(config) for r in p.resources if r.type == "AWS::IAM::Role"]
        for role in roles:
            assert role.physical_name in html
        assert "<svg" in html and "```mermaid" in markdown


def test_sec_report_permission_summary_by_action() -> None:
    from provisioner.cli.sec import ACTIONS
    from provisioner.config.sec import SecTier
    from provisioner.sec.operator_policy import operator_policy as sec_policy

    # bootstrap is the administrator's, with a policy of its own, not the operator's.
    cli_actions = {n for a in ACTIONS for n in (a.name, *a.aliases)} - {"bootstrap"}
    for config in all_sec_configs():
        html, markdown = render_sec_report(config)
        policy = sec_policy(config)
        lines = markdown.split("## Permission summary by action", 1)[1].splitlines()
        header = next(line for line in lines if line.startswith("| Action"))
        services = {a.split(":")[0] for a in policy.actions}
        uploads = config.tier is not SecTier.SMALL
        # The seed's columns, less the services this tier's policy does not use at all.
        seed = [("iam", "IAM"), ("cloudformation", "CloudFormation"), ("s3", "S3"), ("ssm", "SSM")]
        shown = [service for service, _ in seed if service in services]
        assert header == "| Action | " + " | ".join(label for s, label in seed if s in shown) + " |"
        assert ("s3" in shown) == uploads
        body = lines[lines.index(header) + 2 :]
        body = body[: body.index("")]  # the table ends at the first blank line
        rows = {
            cells[0]: dict(zip(shown, cells[1:], strict=True))
            for line in body
            for cells in [[c.strip() for c in line.strip("|").split("|")]]
        }
        assert set(rows) == cli_actions  # one row per action the CLI takes, no more
        for action, marks in rows.items():
            assert all(m in ("✓", "—") for m in marks.values())
            if action in ("validate", "create-template", "export-iam-policy", "create-report"):
                assert set(marks.values()) == {"—"}  # local: no AWS call at all
        assert set(rows["deploy"].values()) == {"✓"}
        if uploads:
            assert rows["show-changes"]["s3"] == "✓"  # change sets need the upload too
            assert rows["delete"]["s3"] == rows["status"]["s3"] == "—"
            assert rows["detect-drift"]["s3"] == "—"
        assert rows["status"]["iam"] == "—"
        assert [rows["detect-drift"][s] for s in ("iam", "cloudformation", "ssm")] == ["✓"] * 3
        if uploads:  # the ✓ is real: the policy lets the operator upload to the bucket
            bucket = config.template_bucket
            upload = Request(
                "s3:PutObject",
                f"arn:aws:s3:::{bucket}/templates/x.json",
                {"aws:MultiFactorAuthPresent": True},  # prod policies deny changes without MFA
            )
            assert evaluate(upload, [policy.to_json()]).allowed
        # The HTML carries the same table.
        table = html.split("Permission summary by action", 1)[1].split("</table>", 1)[0]
        assert table.count("<tr>") == len(rows) + 1
        deploy = table.split("<td>deploy</td>", 1)[1].split("</tr>", 1)[0]
        assert deploy.count("✓") == len(shown)


def test_cli_writes_both_reports(run_ml: CliRunner, workdir: Path) -> None:
    for config in all_ml_configs()[:1]:
        name = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit"
        assert config
        assert run_ml("-con", f"{name}.yaml", "-act", "create-report").code == 0
        assert (
            (workdir / "reports" / f"{name}-create-report.html")
            .read_text()
            .startswith("<!DOCTYPE html>")
        )
        assert (workdir / "reports" / f"{name}-create-report.md").is_file()


# -- the diagram --------------------------------------------------------------------------
def svg_of(html: str) -> str:
    found = re.search(r"<svg xmlns=.*?</g></svg>", html, re.DOTALL)
    assert found is not None
    return found.group(0)


def box_texts(svg: str) -> dict[str, list[str]]:
    """Each node's visible lines (its tooltip left out)."""
    nodes = re.findall(r'<g class="node" data-id="([^"]+)">.*?<svg (.*?)</svg></g>', svg)
    return {
        node_id: [unescape(t) for t in re.findall(r"<text [^>]*>([^<]*)</text>", body)]
        for node_id, body in nodes
    }


def test_diagram_shows_what_tells_names_apart(ml_config: MlConfig) -> None:
    html, _ = render_ml_report(ml_config)
    svg = svg_of(html)
    plan = plan_stack(ml_config)
    names = MlNames(ml_config)
    texts = box_texts(svg)
    assert set(texts) == {r.logical_id for r in plan.resources}
    for resource in plan.resources:
        shown = "".join(texts[resource.logical_id][2:])  # title, kind, then the name
        # The common root is elided, never the end: the end is what differs between resources.
        assert names.ml_name not in shown and names.iam_base not in shown
        assert "…" in shown
        full = resource.physical_name
        tail = full.replace(names.ml_name, "…").replace(names.iam_base, "…")[-8:]
        assert shown.endswith(tail), (resource.logical_id, shown, full)
        # ...and the full name is in the box's tooltip.
        assert f"{escape(resource.logical_id)}: {escape(full)}</title>" in svg
    group = "".join(texts["ModelPackageGroup"][2:])
    assert group == "…-mpg"
    assert f"<code>{names.ml_name}</code>" in html  # the page says what … stands for


def test_diagram_scales_to_the_page() -> None:
    for config in all_ml_configs():
        svg = svg_of(render_ml_report(config)[0])
        assert 'style="max-width:100%;height:auto"' in svg.split(">", 1)[0]
        assert re.search(r'viewBox="0 0 \d+ \d+"', svg.split(">", 1)[0])


def test_wrap_and_elide_keep_the_end() -> None:
    assert elide("/ml/acme-dev-x-ml/build", ["acme-dev-x-ml", "acme"]) == "/ml/…/build"
    assert wrap("short", 10) == ["short"]
    lines = wrap("(endpoint id assigned by AWS; tag Name=…-sagemaker.runtime-vpce)", 34)
    assert lines == ["(endpoint id assigned by AWS; tag", "Name=…-sagemaker.runtime-vpce)"]
    assert all(len(line) <= 34 for line in lines)
    (one,) = wrap("x" * 10 + "distinctive-end", 12, lines=1)
    assert len(one) == 12 and one.endswith("ive-end") and "…" in one


MEASURE = r"""<script>
const out = [];
for (const node of document.querySelectorAll("g.node")) {
  const box = node.querySelector("svg");
  const width = box.width.baseVal.value, height = box.height.baseVal.value;
  for (const text of box.querySelectorAll("text")) {
    const b = text.getBBox();
    if (b.x < 0 || b.y < 0 || b.x + b.width > width || b.y + b.height > height) {
      out.push(node.dataset.id + ": " + text.textContent + " " + Math.round(b.x + b.width)
               + "/" + width);
    }
  }
}
// Table text wraps only at a space or after a separator, never inside a word.
for (const cell of document.querySelectorAll("td, th")) {
  const chars = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
  }
  let lastTop = null, last = "";
  for (const [node, i] of chars) {
    const range = document.createRange();
    range.setStart(node, i); range.setEnd(node, i + 1);
    const rect = range.getClientRects()[0];
    const ch = node.data[i];
    if (!rect || /\s/.test(ch)) { last = ch; continue; }
    if (lastTop !== null && rect.top > lastTop + 2 && !/[\s:\/,=_.@{}\-]/.test(last)) {
      out.push("split inside a word: " + cell.textContent.slice(0, 80));
      break;
    }
    lastTop = rect.top; last = ch;
  }
}
if (document.documentElement.scrollWidth > window.innerWidth) {
  out.push("page scrolls sideways: " + document.documentElement.scrollWidth);
}
document.getElementById("result").textContent = "measured " + out.length + "\n" +
  out.join("\n");
if (location.hash === "#ratios") {
  const ratios = {};
  for (const text of document.querySelectorAll("g.node svg text")) {
    const r = text.getBBox().width / Math.max(1, text.textContent.length);
    ratios[text.className.baseVal] = Math.max(ratios[text.className.baseVal] || 0, r);
  }
  document.getElementById("result").textContent += "\n" + JSON.stringify(ratios);
}
</script>"""


# scripts/test (and so CI) installs Chromium and sets PROVISIONER_REQUIRE_BROWSER: there the
# test runs or fails, never skips; a developer without Chromium may run the rest.
@pytest.mark.skipif(
    not shutil.which("chromium") and not os.environ.get("PROVISIONER_REQUIRE_BROWSER"),
    reason="needs chromium (apt-get install chromium)",
)
def test_every_label_fits_its_box_in_a_real_browser(tmp_path: Path) -> None:
    """Laid out by Chromium with the page's own CSS: every line of text within its box, no
    table cell wrapped inside a word, and no page wider than the window."""
    pages = [render_ml_report(c)[0] for c in all_ml_configs()]
    pages += [render_sec_report(c)[0] for c in all_sec_configs()]
    failures = []
    for index, html in enumerate(pages):
        page = tmp_path / f"page{index}.html"
        page.write_text(html.replace("</body>", f'<pre id="result"></pre>{MEASURE}</body>'))
        dom = subprocess.run(
            [
                shutil.which("chromium") or "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--window-size=1400,1000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        result = re.search(r'<pre id="result">measured (\d+)(.*?)</pre>', dom, re.DOTALL)
        assert result is not None, dom[-500:]
        if result.group(1) != "0":
            failures.append(unescape(result.group(2)))
    assert failures == []


# -- what the reader sees -----------------------------------------------------------------
class _Tables(HTMLParser):
    """Every table of a page as rows of (tag, text, class) cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, str, str]]]] = []
        self._cell: list[str] | None = None
        self._attrs: tuple[str, str] = ("", "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell, self._attrs = [], (tag, dict(attrs).get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append((self._attrs[0], "".join(self._cell), self._attrs[1]))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_of(html: str) -> list[list[list[tuple[str, str, str]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def all_pages() -> list[tuple[str, str, str]]:
    """(html, markdown, config stem) of every bundled example's report."""
    from provisioner.naming.ml import config_file_stem as ml_stem
    from provisioner.naming.sec import config_file_stem as sec_stem

    pages = [(*render_ml_report(c), ml_stem(c)) for c in all_ml_configs()]
    pages += [(*render_sec_report(c), sec_stem(c)) for c in all_sec_configs()]
    return pages


def test_no_mark_reads_like_a_failure_and_no_header_cell_is_empty() -> None:
    for html, markdown, stem in all_pages():
        assert "✗" not in html and "✗" not in markdown, stem
        for table in tables_of(html):
            for row in table:
                for tag, text, css in row:
                    assert tag != "th" or text.strip(), (stem, row)  # no empty header cell
                    if text == "—" and css:
                        assert css == "no"  # the grey dash, not a red mark
        assert "| |  |" not in markdown and "|  |  |" not in markdown


def test_operator_policy_rows_name_the_files_create_policy_writes(
    run_ml: CliRunner, run_sec: CliRunner, workdir: Path
) -> None:
    for config in all_ml_configs():
        from provisioner.naming.ml import config_file_stem

        assert run_ml("-con", f"{config_file_stem(config)}.yaml", "-act", "create-policy").code == 0
    for config in all_sec_configs():
        from provisioner.naming.sec import config_file_stem as sec_stem

        name = f"{sec_stem(config)}.yaml"
        assert run_sec("--config", name, "--action", "export-iam-policy").code == 0
    for html, _markdown, stem in all_pages():
        section = html.split("<h2>Operator policy</h2>", 1)[1]
        listed = re.findall(
            r'<p class="file">File <code>([^<]+)</code>[^<]*</p>'
            r'<div class="table">(<table.*?</table>)',
            section,
            re.DOTALL,
        )
        named = {file for file, _ in listed}
        written = {
            f"policies/{p.name}"
            for p in (workdir / "policies").glob(f"{stem}*-iam-policy*.json")
            if not p.name.startswith(f"{stem}-bootstrap")
        }
        assert named and named <= written, (stem, named - written)
        # ...and each file's table lists exactly the statements in that file, in its order.
        for file, table in listed:
            sids = [row[0][1] for row in tables_of(table)[0][1:]]
            document = json.loads((workdir / file).read_text())
            assert sids == [s["Sid"] for s in document["Statement"]], file
        # Every variant's files are there (the deployer's, split or not, and the others).
        for infix in ("", "-no-delete", "-reviewer", "-read-only"):
            pattern = rf"policies/{re.escape(stem)}{infix}-iam-policy(-\d+)?\.json"
            assert any(re.fullmatch(pattern, f) for f in named), (stem, infix, named)


def test_long_identifiers_wrap_only_after_separators() -> None:
    from provisioner.report.page import breakable

    shown = breakable("sagemaker:DescribeModelPackageGroup on arn:aws:s3:::bucket/key")
    assert shown == (
        "sagemaker:<wbr>DescribeModelPackageGroup on arn:<wbr>aws:<wbr>s3:::<wbr>bucket/<wbr>key"
    )
    for html, _markdown, stem in all_pages():
        assert "overflow-wrap:anywhere" not in html and "word-break:break-all" not in html
        # No wrap opportunity inside a word: <wbr> only ever follows a separator.
        for before in re.findall(r"(.)<wbr>", html):
            assert before in ":/,=_.@{}", (stem, before)


def test_diagrams_group_by_layer_without_crossing_edges() -> None:
    from provisioner.report.diagram import crossings, layout
    from provisioner.report.ml_report import stack_diagram
    from provisioner.report.sec_report import access_diagram

    diagrams = [(stack_diagram(c), c.tier.value) for c in all_ml_configs()]
    for diagram, tier in diagrams:
        drawing = layout(diagram)
        assert crossings(drawing) == [], tier
        column_of = {g: i for i, col in enumerate(drawing.columns) for g in col}
        for a, b, points in drawing.edges:
            assert column_of[a] < column_of[b]  # every arrow runs left to right, layer to layer
            assert [x for x, _ in points] == sorted(x for x, _ in points)
        for group in diagram.groups:  # every resource box sits inside its group's frame
            frame = drawing.frames[group.id]
            for node in group.nodes:
                box = drawing.boxes[node.id]
                assert frame.x <= box.x and box.x + box.w <= frame.x + frame.w
                assert frame.y <= box.y and box.y + box.h <= frame.y + frame.h
        for col in drawing.columns:  # frames in a column do not overlap
            frames = sorted((drawing.frames[g] for g in col), key=lambda f: f.y)
            assert all(a.y + a.h < b.y for a, b in pairwise(frames))
    enterprise = next(d for d, tier in diagrams if tier == "enterprise")
    by_group = {g.id: {n.id for n in g.nodes} for g in enterprise.groups}
    # Grouped by the part of the stack: the key with its alias and published ARN, and so on.
    assert by_group["KMS key"] == {"EncryptionKey", "EncryptionKeyAlias", "KmsKeyArnParameter"}
    assert {"BuildRole", "BuildPolicy", "BuildProject"} <= by_group["build project"]
    for config in all_sec_configs():
        assert crossings(layout(access_diagram(config))) == []


def test_crossings_sees_a_crossing() -> None:
    from provisioner.report.diagram import Diagram, Group, Node, crossings, layout

    def one(name: str) -> Group:
        return Group(name, "", (Node(name, name, name),))

    # K2,2 drawn in two layers: any order leaves one crossing.
    diagram = Diagram(
        tuple(one(n) for n in "abcd"), (("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"))
    )
    assert len(crossings(layout(diagram))) == 1
