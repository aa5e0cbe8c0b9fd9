"""CloudWatch Synthetics canaries of ``kind: canary`` alarms: the seed smoke flow, run from AWS on a schedule.

Per canary: an IAM role (Lambda trust; write its artifacts, ``CloudWatchSynthetics`` metrics and its logs),
the code uploaded to the artifact bucket under a content-addressed key (a changed script is a new key, so the
canary updates), and the canary itself, started at once. The artifact bucket is shared by a stack's canaries:
encrypted, private, artifacts expire after 30 days.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

with warnings.catch_warnings():  # pulumi_aws.s3 warns about its own deprecated V2 resources when imported
    warnings.simplefilter("ignore", DeprecationWarning)
    import pulumi_aws.s3 as s3

    _ = s3.Bucket  # pulumi_aws imports its submodules lazily: load it here, inside the filter

from vigil.plan.naming import Naming
from vigil.plan.types import CanaryPlan

ARTIFACT_DAYS = 30


def artifact_bucket(name: str, tags: Mapping[str, str], parent: pulumi.Resource) -> s3.Bucket:
    """The private, encrypted bucket canaries write screenshots, HAR files and logs to."""
    child = pulumi.ResourceOptions(parent=parent)
    bucket = s3.Bucket(Naming.logical("bucket", name), bucket=name, force_destroy=True, tags=dict(tags), opts=child)
    s3.BucketPublicAccessBlock(
        Naming.logical("bucket-public-access", name),
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    s3.BucketServerSideEncryptionConfiguration(
        Naming.logical("bucket-encryption", name),
        bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
        opts=child,
    )
    s3.BucketLifecycleConfiguration(
        Naming.logical("bucket-lifecycle", name),
        bucket=bucket.id,
        rules=[{"id": "expire-artifacts", "status": "Enabled", "filter": {}, "expiration": {"days": ARTIFACT_DAYS}}],
        opts=child,
    )
    return bucket


def code_key(plan: CanaryPlan) -> str:
    """``code/<canary>-<sha256 of the files>.zip``: a new key whenever the code changes."""
    digest = hashlib.sha256()
    for path, text in sorted(plan.files.items()):
        digest.update(path.encode() + b"\0" + text.encode() + b"\0")
    return f"code/{plan.name}-{digest.hexdigest()[:16]}.zip"


def canary(
    plan: CanaryPlan, bucket: s3.Bucket, tags: Mapping[str, str], parent: pulumi.Resource
) -> aws.synthetics.Canary:
    """The role, the uploaded code and the canary of one plan (children of ``parent``)."""
    child = pulumi.ResourceOptions(parent=parent)
    all_tags = {**tags, **plan.tags}
    role = aws.iam.Role(
        Naming.logical("canary-role", plan.name),
        name=plan.role_name,
        assume_role_policy=plan.role_trust_policy,
        tags=all_tags,
        opts=child,
    )
    aws.iam.RolePolicy(
        Naming.logical("canary-role-policy", plan.name), role=role.id, policy=plan.role_policy, opts=child
    )
    key = code_key(plan)
    archive = pulumi.AssetArchive({path: pulumi.StringAsset(text) for path, text in sorted(plan.files.items())})
    code = s3.BucketObjectv2(
        Naming.logical("canary-code", plan.name), bucket=bucket.id, key=key, source=archive, opts=child
    )
    after: Sequence[pulumi.Resource] = [code]
    return aws.synthetics.Canary(
        Naming.logical("canary", plan.name),
        name=plan.name,
        artifact_s3_location=bucket.bucket.apply(lambda b: f"s3://{b}/artifacts/"),
        execution_role_arn=role.arn,
        handler=plan.handler,
        runtime_version=plan.runtime_version,
        s3_bucket=bucket.id,
        s3_key=key,
        schedule={"expression": plan.schedule},
        run_config={"timeout_in_seconds": plan.timeout_seconds, "environment_variables": dict(plan.environment)},
        start_canary=True,
        success_retention_period=ARTIFACT_DAYS,
        failure_retention_period=ARTIFACT_DAYS,
        tags=all_tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(after)),
    )
