"""S3's naming rules for general purpose buckets, each broken rule with its own message.

Both configs name existing buckets (ML `artifact_bucket`, SEC `template_bucket`) and the ML
tool derives its own (`{ml_name}-artifacts`): every one is checked here, so a name S3 would
refuse is reported by `validate` rather than by CloudFormation half-way through a deploy.
"""

from __future__ import annotations

import re

BUCKET_NAME_MIN_LENGTH = 3
BUCKET_NAME_MAX_LENGTH = 63

# Explicit ASCII classes: a Unicode-aware class would let other scripts' letters and digits in.
_ALLOWED_CHARACTERS = re.compile(r"[a-z0-9.-]*")
_LETTER_OR_DIGIT = re.compile(r"[a-z0-9]")
_IP_ADDRESS_FORM = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")

# Prefixes and suffixes S3 keeps for its own features (IDN punycode, S3 internals, examples in
# its documentation, access point aliases, Object Lambda, Multi-Region Access Points, directory
# buckets, table buckets).
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_problems(name: str) -> list[str]:
    """Every S3 rule the name breaks; empty when S3 would accept it."""
    problems = []
    if not BUCKET_NAME_MIN_LENGTH <= len(name) <= BUCKET_NAME_MAX_LENGTH:
        problems.append(
            f"is {len(name)} characters; S3 allows "
            f"{BUCKET_NAME_MIN_LENGTH} to {BUCKET_NAME_MAX_LENGTH}"
        )
    return problems + bucket_form_problems(name)


def bucket_form_problems(name: str) -> list[str]:
    """The rules other than length: characters, ends, dots, reserved prefixes and suffixes."""
    problems = []
    if not _ALLOWED_CHARACTERS.fullmatch(name):
        bad = sorted({c for c in name if not _ALLOWED_CHARACTERS.fullmatch(c)})
        problems.append(
            f"contains {', '.join(repr(c) for c in bad)}; S3 allows only lowercase letters "
            "a-z, digits 0-9, hyphens and dots"
        )
    if name and not (_LETTER_OR_DIGIT.fullmatch(name[0]) and _LETTER_OR_DIGIT.fullmatch(name[-1])):
        problems.append("must begin and end with a lowercase letter or digit")
    if ".." in name:
        problems.append("must not contain two dots in a row")
    if _IP_ADDRESS_FORM.fullmatch(name):
        problems.append("must not be formatted as an IP address")
    problems += [
        f"must not begin with {prefix!r} (S3 reserves that prefix)"
        for prefix in RESERVED_PREFIXES
        if name.startswith(prefix)
    ]
    problems += [
        f"must not end with {suffix!r} (S3 reserves that suffix)"
        for suffix in RESERVED_SUFFIXES
        if name.endswith(suffix)
    ]
    return problems
