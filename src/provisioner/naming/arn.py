"""ARN construction and IAM-style wildcard matching (pure)."""

from __future__ import annotations

import re
from functools import lru_cache

# Stands for an identifier AWS assigns at creation (KMS key id, security group id...).
ASSIGNED_ID = "assigned-by-aws"


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts = (".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.DOTALL)


def glob_matches(pattern: str, value: str) -> bool:
    """IAM resource matching: `*` any run of characters, `?` one character; case-sensitive."""
    return _glob_regex(pattern).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching is case-insensitive."""
    return _glob_regex(pattern.lower()).fullmatch(action.lower()) is not None
