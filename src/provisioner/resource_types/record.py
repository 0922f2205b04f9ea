"""The declarative record of one resource type (see registry.py for who reads each field)."""

from __future__ import annotations

from dataclasses import dataclass, field

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.adoption import Adoption
from provisioner.resource_types.smoke import SmokeCheck


@dataclass(frozen=True)
class StatementGrant:
    """Which statements of a tool's operator policy take the type's handler actions (the
    statements, with their Sids and resource patterns, are the tool's own layout).

    Scopable actions join `sid` and each of `also`; actions IAM cannot scope
    (policy/unscopable.py) join `unscoped_sid`, on "*"; S3 object permissions join
    `objects_sid`. Role writes and `iam:PassRole` are the guardrails' (policy/guardrails.py),
    and another service's actions are granted where that service's type is.
    """

    sid: str
    unscoped_sid: str | None = None
    also: tuple[str, ...] = ()
    objects_sid: str | None = None

    @property
    def sids(self) -> tuple[str, ...]:
        found = (self.sid, *self.also, self.unscoped_sid, self.objects_sid)
        return tuple(s for s in found if s is not None)


@dataclass(frozen=True)
class PassedRole:
    """The type hands a role to a service: the properties that name it, and the service
    (`iam:PassedToService`) it is passed to."""

    properties: tuple[str, ...]
    service: str


@dataclass(frozen=True)
class Emulation:
    """The emulator's modules (emulator/extensions/) for a type moto lacks or gets wrong, in
    the three phases the extensions load in: `models` register or replace the type's
    CloudFormation model, `updates` make its stack update work, `properties` add what moto
    ignores (they wrap create and the update, so they load after every update)."""

    models: tuple[str, ...] = ()
    updates: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()

    @property
    def modules(self) -> tuple[str, ...]:
        return (*self.models, *self.updates, *self.properties)


@dataclass(frozen=True)
class ResourceType:
    """Everything the tools know about one CloudFormation resource type.

    `ml_tier` is the ML tier that introduces it (tiers are cumulative); `sec` says that
    sec-provisioner's stacks hold it (in every SEC tier). A tool that plans the type has a
    `StatementGrant` for it. `name_kind` is the AWS limit its physical name is checked
    against, None where AWS assigns the identifier.
    """

    cfn_type: str
    label: str  # what AWS calls one, e.g. "IAM role"
    name_kind: NameKind | None
    smoke: SmokeCheck
    ml_tier: MlTier | None = None
    ml_grant: StatementGrant | None = None
    sec: bool = False
    sec_grant: StatementGrant | None = None
    passes_role: PassedRole | None = None
    emulation: Emulation = field(default_factory=Emulation)
    # About how long CloudFormation takes to create one, in seconds (an estimate from AWS use,
    # not a promise): a run over many configs polls a stack that waits on one less often
    # (deploy/patience.py).
    typical_seconds: float = 10.0
    # How deploy finds the resource again when it was retained and its stack is gone.
    adoption: Adoption | None = None

    def __post_init__(self) -> None:
        if (self.ml_tier is None) != (self.ml_grant is None):
            raise ValueError(f"{self.cfn_type}: ML plans it exactly when ML grants it")
        if self.sec != (self.sec_grant is not None):
            raise ValueError(f"{self.cfn_type}: SEC plans it exactly when SEC grants it")

    @property
    def service(self) -> str:
        """The IAM service prefix of its own API (`AWS::Logs::LogGroup` → `logs`)."""
        return self.cfn_type.split("::")[1].lower()
