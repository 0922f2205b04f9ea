"""An image's tier caps the configs it takes: `ml-provisioner:starter` refuses a professional
config, `sec-provisioner:medium-5` one of the enterprise tier or with more than five teams.

The Dockerfile bakes the image's tool, tier and team cap into its environment; a tool installed
with pip has none of them and takes every tier. The cap is a product line, not a security
boundary (`docker run -e` can change it): it keeps a config on the image it was sized for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from provisioner.config.ml import MlConfig, MlTier
from provisioner.config.sec import SecConfig, SecTier
from provisioner.errors import InputError

TOOL_VAR = "PROVISIONER_IMAGE_TOOL"
TIER_VAR = "PROVISIONER_IMAGE_TIER"
MAX_TEAMS_VAR = "PROVISIONER_IMAGE_MAX_TEAMS"

_Tier = TypeVar("_Tier", MlTier, SecTier)


@dataclass(frozen=True)
class ImageTier:
    """What the image running this tool was built for."""

    tool: str
    tier: str
    max_teams: int | None  # the size suffix of `sec-provisioner:medium-10`; None: no suffix

    @property
    def image(self) -> str:
        suffix = "" if self.max_teams is None else f"-{self.max_teams}"
        return f"{self.tool}:{self.tier}{suffix}"


def image_tier(env: Mapping[str, str], tool: str) -> ImageTier | None:
    """The image's tier, if this tool runs in a tier image built for it."""
    tier = env.get(TIER_VAR, "")
    if not tier or env.get(TOOL_VAR, tool) != tool:
        return None
    raw = env.get(MAX_TEAMS_VAR, "")
    if not raw:
        return ImageTier(tool, tier, None)
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise InputError(MAX_TEAMS_VAR, f"{raw!r} is not a positive whole number of teams")
    return ImageTier(tool, tier, int(raw))


def check_ml_config(config: MlConfig, env: Mapping[str, str], source: str) -> None:
    """Refuse a config of a higher tier than the image's."""
    image = image_tier(env, "ml-provisioner")
    if image is None:
        return
    tier = _tier(MlTier, image)
    if not tier.includes(config.tier):
        raise InputError(
            source,
            f"is a {config.tier.value} tier config, but this image ({image.image}) takes the "
            f"{tier.value} tier and below; run it with ml-provisioner:{config.tier.value}",
        )


def check_sec_config(config: SecConfig, env: Mapping[str, str], source: str) -> None:
    """Refuse a config of a higher tier, or with more teams, than the image takes. The size
    suffix caps teams; trusted accounts need no check of their own, since a config's tier
    caps them (config/sec.py) and an image that takes the tier takes its trusted accounts."""
    image = image_tier(env, "sec-provisioner")
    if image is None:
        return
    tier = _tier(SecTier, image)
    max_teams = min(image.max_teams or tier.max_teams, tier.max_teams)
    order = list(SecTier)
    misfits = []
    if order.index(config.tier) > order.index(tier):
        misfits.append(f"it is a {config.tier.value} tier config")
    if len(config.teams) > max_teams:
        misfits.append(f"it has {len(config.teams)} teams, the image takes {max_teams}")
    if misfits:
        raise InputError(
            source,
            f"does not fit this image ({image.image}): {'; '.join(misfits)}; run it with "
            f"sec-provisioner:{config.tier.value}",
        )


def _tier(kind: type[_Tier], image: ImageTier) -> _Tier:
    try:
        return kind(image.tier)
    except ValueError:
        allowed = ", ".join(t.value for t in kind)
        raise InputError(
            TIER_VAR, f"{image.tier!r} is not a tier of {image.tool} ({allowed})"
        ) from None
