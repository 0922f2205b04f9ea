"""Gap: moto's `AWS::S3::Bucket` drops `BucketKeyEnabled` from `BucketEncryption`
(GetBucketEncryption reports it false), on create and on update."""

from __future__ import annotations

from typing import Any

from moto.s3.models import FakeBucket

from provisioner.emulator.extensions._patch import (
    CREATE,
    UPDATE,
    arguments,
    properties,
    wrap_classmethod,
)


def _bucket_key(bucket: FakeBucket, props: dict[str, Any]) -> None:
    rules = (props.get("BucketEncryption") or {}).get("ServerSideEncryptionConfiguration", [])
    if rules and bucket.encryption:
        enabled = bool(rules[0].get("BucketKeyEnabled", False))
        bucket.encryption["Rule"]["BucketKeyEnabled"] = "true" if enabled else "false"


def _create(original: Any, *args: Any, **kwargs: Any) -> Any:
    bucket = original(*args, **kwargs)
    _bucket_key(bucket, properties(arguments(CREATE, args, kwargs)[1]))
    return bucket


def _update(original: Any, *args: Any, **kwargs: Any) -> Any:
    bucket = original(*args, **kwargs)
    _bucket_key(bucket, properties(arguments(UPDATE, args, kwargs)[2]))
    return bucket


def install() -> None:
    wrap_classmethod(FakeBucket, "create_from_cloudformation_json", _create)
    wrap_classmethod(FakeBucket, "update_from_cloudformation_json", _update)
