"""Templates an administrator publishes for a service-managed stack set, and the URLs the
operator policy pins them by (pure).

A service-managed stack set deploys with the StackSets service-linked role of each member
account, which holds administrator rights there and which no policy of the tool's can narrow.
The one bound IAM offers is on what the operator submits: CreateStackSet and UpdateStackSet
take the `cloudformation:TemplateUrl` condition key. So each stack's neutral template
(neutral_template.py) is published by an administrator under its content hash
(`templates/{sha256}.json`) in the deployment's template bucket, which the operator may read
and not write; the operator policy allows those two calls only with exactly those URLs
(stack_sets/service_managed_policy.py), and deploy sends exactly them. A template that
changes has a new hash, so it needs a new operator policy, and an administrator's review,
before any operator can deploy it.

test-deploy's canary needs its templates published the same way, so its suffix cannot be made
for the run: it is derived from the live templates (`canary_suffix`), the same for every run of
one reviewed set of templates, and its forms are published beside the live ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from provisioner.partition import Partition

TEMPLATE_KEY_PREFIX = "templates/"


def content_key(body: str) -> str:
    """Where a template goes in a template bucket: by the hash of its body, so one key never
    holds two templates."""
    return f"{TEMPLATE_KEY_PREFIX}{hashlib.sha256(body.encode('utf-8')).hexdigest()}.json"


def template_url(partition: Partition, region: str, bucket: str, key: str) -> str:
    """The URL deploy sends as TemplateURL on AWS: virtual-hosted style, at the bucket's
    regional endpoint (the operator policy compares it character for character)."""
    return f"https://{bucket}.{partition.regional_service('s3', region)}/{key}"


def canary_suffix(live_bodies: Iterable[str]) -> str:
    """test-deploy's suffix for a service-managed set (naming/ml.py TEST_SUFFIX_PATTERN: `t`
    and 4 hex digits), from the live templates it tests: one per reviewed version."""
    digest = hashlib.sha256()
    for body in live_bodies:
        digest.update(hashlib.sha256(body.encode("utf-8")).digest())
    return f"t{digest.hexdigest()[:4]}"


@dataclass(frozen=True)
class PublishedTemplate:
    stack: str
    bucket: str
    key: str
    url: str  # on AWS, as pinned

    @property
    def s3_uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def published_templates(
    bodies: Mapping[str, str], partition: Partition, region: str, bucket: str
) -> dict[str, PublishedTemplate]:
    """Each stack's (stack → neutral body) published form in `bucket`."""
    found = {}
    for stack, body in bodies.items():
        key = content_key(body)
        found[stack] = PublishedTemplate(
            stack, bucket, key, template_url(partition, region, bucket, key)
        )
    return found
