"""Extensions to moto, one module per gap, each droppable once moto closes it: `cfn_*`
modules add or fix a CloudFormation resource type; `iam_*` fix a service's own API (and so
the CloudFormation resources made through it); the others fix stack behaviour.

`install()` imports them (registering their CloudFormation models) and clears moto's cached
type maps so CloudFormation sees the new types.
"""

from __future__ import annotations

import importlib

EXTENSIONS = (
    "iam_role_permissions_boundary",
    "cfn_iam_group",
    "cfn_sagemaker_model_package_group",
    "cfn_codecommit_repository",
    "cfn_codebuild_project",
    "cfn_codepipeline_pipeline",
    "cfn_ssm_parameter_tag_map",
    "cfn_kms_key_properties",
    "cfn_iam_managed_policy_delete",
    "cfn_s3_bucket_policy",
    "cfn_s3_bucket_not_empty",
    "cfn_sns_topic_policy",
    "cfn_ec2_vpc_endpoint_delete",
    # Updates of types moto models, before the property extensions below: those wrap the
    # update and add their property to it.
    "cfn_iam_role_update",
    "cfn_iam_managed_policy_update",
    "cfn_kms_key_update",
    "cfn_logs_log_group_update",
    "cfn_ec2_vpc_endpoint_update",
    "cfn_ec2_security_group_update",
    "cfn_sns_topic_update",
    "cfn_ssm_parameter_update",
    "cfn_iam_role_inline_policies",
    "cfn_iam_role_managed_policy_arns",
    "cfn_s3_bucket_versioning",
    "cfn_s3_bucket_public_access_block",
    "cfn_s3_bucket_encryption_bucket_key",
    "cfn_ec2_security_group_rules",
    "cfn_ec2_vpc_endpoint_tags",
    "change_set_outputs",
    "change_set_delete_not_found",
    "change_set_list_by_stack",
    "stack_template_body_limit",
    "stack_termination_protection",
    # Before stack_operations, which wraps the per-resource update and reports its failure.
    "stack_update_unsupported_type",
    "stack_retain_except_on_create",
    "stack_update_removes_first",
    "stack_operations",
    "stack_drift_detection",
    "stack_busy",  # after stack_operations: it guards the operations that module replaces
    "stack_reads_in_progress",
)

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    for name in EXTENSIONS:
        module = importlib.import_module(f"{__name__}.{name}")
        patch = getattr(module, "install", None)
        if patch is not None:  # behaviour fixes patch moto; type adapters only register
            patch()
    from moto.cloudformation import parsing

    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    _installed = True
