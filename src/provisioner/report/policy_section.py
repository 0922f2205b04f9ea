"""The reports' operator-policy section: every statement of the four variants, its actions,
and the file create-policy (export-iam-policy) writes it to: `policies/{stem}{variant
infix}-iam-policy.json`, or `-1.json`, `-2.json`, … when IAM's size limit splits the variant
(policy/files.py names them for both)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS
from provisioner.policy.document import PolicyDocument, Statement
from provisioner.policy.files import POLICY_DIRECTORY, policy_files, variant_file_stem
from provisioner.policy.variants import Variant
from provisioner.report.page import html_table, md_table

HEADERS = ["Sid", "Effect", "Actions", "Resources", "Condition"]


@dataclass(frozen=True)
class StatementFile:
    variant: Variant
    file: str  # relative to the working directory, as create-policy writes it
    statement: Statement


def statement_files(
    config_stem: str, variants: Mapping[Variant, PolicyDocument]
) -> list[StatementFile]:
    """Every statement of every variant with the file that holds it, in the files' order."""
    out = []
    for variant, policy in variants.items():
        for name, part in policy_files(variant_file_stem(config_stem, variant), policy).items():
            path = f"{POLICY_DIRECTORY}/{name}"
            out += [StatementFile(variant, path, s) for s in part.statements]
    return out


def _actions(statement: Statement) -> str:
    """One line per service: `s3: GetObject, PutObject`."""
    by_service: dict[str, list[str]] = {}
    for action in statement.actions:
        service, _, name = action.partition(":")
        by_service.setdefault(service, []).append(name)
    lines = [f"{service}: {', '.join(names)}" for service, names in by_service.items()]
    listed = "\n".join(lines)
    return f"every action but\n{listed}" if statement.not_actions else listed


def _row(statement: Statement) -> tuple[str, ...]:
    condition = json.dumps(statement.condition, sort_keys=True) if statement.condition else ""
    return (
        statement.sid,
        statement.effect,
        _actions(statement),
        "\n".join(statement.resources),
        condition,
    )


def operator_policy_section(
    config_stem: str, variants: Mapping[Variant, PolicyDocument]
) -> tuple[str, str]:
    """The section as (HTML, Markdown): per variant, per file, its statements."""
    entries = statement_files(config_stem, variants)
    html = [
        "<h2>Operator policy</h2><p>create-policy writes the operator's policy in four variants, "
        "each in one file or, where IAM's "
        f"{MANAGED_POLICY_MAX_CHARS:,}-character limit needs it, several files to attach "
        "together. Each table lists the statements of the file named above it.</p>"
    ]
    md = ["## Operator policy"]
    for variant, policy in variants.items():
        files = list(dict.fromkeys(e.file for e in entries if e.variant is variant))
        intro = (
            f"For {', '.join(variant.actions)}: {len(policy.statements)} statements, "
            f"{policy.size:,} characters, in {len(files)} file{'s' if len(files) > 1 else ''}."
        )
        opened = " open" if variant is Variant.DEPLOYER else ""
        html.append(
            f"<details{opened}><summary><b>{escape(variant.value)}</b>: {escape(intro)}</summary>"
        )
        md += [f"### {variant.value}", intro]
        for file in files:
            rows = [_row(e.statement) for e in entries if e.file == file]
            html += [
                f'<p class="file">File <code>{escape(file)}</code> ({len(rows)} statements)</p>',
                html_table(HEADERS, rows, "policy"),
            ]
            md += [f"File `{file}`:", md_table(HEADERS, rows)]
        html.append("</details>")
    return "".join(html), "\n\n".join(md)
