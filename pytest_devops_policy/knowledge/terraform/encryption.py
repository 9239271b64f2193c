"""Encryption at rest in Terraform, and the provider defaults behind it (TF-002, TF-003).

Which attribute turns storage encryption on, per resource type, and what the
provider does when it is unset: RDS instances and provisioned Aurora clusters are
unencrypted (Aurora Serverless v1 is always encrypted), EBS volumes follow
``aws_ebs_encryption_by_default`` (which covers every new volume of the account
and region, so one in the module satisfies volumes, instances and launch
templates), ElastiCache is unencrypted for Redis and encrypted for Valkey, SQS
queues created since late 2022 get SSE-SQS, SNS topics are unencrypted. S3,
DynamoDB and every GCP service encrypt with a provider-owned key; with
``tf.require_cmk`` they need a customer-managed key. A customer-supplied GCP key
(``raw_key``, ``rsa_encrypted_key``) written in the code is a plaintext key.
Azure encrypts disks, SQL databases and storage by default; only turning it off
(or leaving storage without infrastructure encryption) is a finding.

``ENCRYPTION_AT_REST`` maps each resource type to its check, given ``require_cmk``;
``CMK_ONLY`` are the types judged only under ``require_cmk``. ``db_replica`` and
``db_storage_encrypted`` are what TF-003 reads about RDS too.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_devops_policy.api import PathPart, Severity, Unknown, Violation
from pytest_devops_policy.formats.terraform.model import Block, Value, hcl, is_literal
from pytest_devops_policy.formats.terraform.resource import TfResource
from pytest_devops_policy.knowledge.terraform.aws_s3 import attached
from pytest_devops_policy.knowledge.terraform.dynamic import unread_list
from pytest_devops_policy.knowledge.terraform.module import Findings, Module, shown, unknown
from pytest_devops_policy.knowledge.terraform.requirements import dotted, required_true
from pytest_devops_policy.knowledge.terraform.values import is_false, one_of, to_bool

__all__ = [
    "CMK_ONLY",
    "ENCRYPTION_AT_REST",
    "db_replica",
    "db_storage_encrypted",
    "ebs_encryption_by_default",
    "is_set",
]

Check = Callable[[TfResource, Module, bool], Findings]


# --------------------------------------------------------------------------- shared


def is_set(raw: Value, module: Module, within: TfResource) -> bool | None:
    """Is an optional argument (a key ARN, a secret id) given a value? A reference to
    another resource counts as set; a variable without a value is ``None``."""
    if raw is None:
        return False
    resolved = module.resolve(raw)
    if is_literal(resolved):
        return module.decide(raw, lambda v: v not in (None, "", [], {}), within)
    if not module.opaque(raw):
        return True  # e.g. aws_kms_key.main.arn: known after apply, but set
    verdict = module.decide(raw, lambda v: v not in (None, "", [], {}), within)
    if verdict is None and all(
        c not in (None, "") and (is_literal(c) or not module.opaque(c))
        for c in module.candidates(raw, within)
    ):
        return True  # every branch sets it, some to a resource reference
    return verdict


def db_replica(res: TfResource, module: Module) -> bool | None:
    """Is this ``aws_db_instance`` a read replica (``replicate_source_db`` set)? A
    replica inherits its source's encryption and backups. ``None`` when it depends
    on a value that does not resolve (``var.source`` without a default)."""
    return is_set(res.get("replicate_source_db"), module, res)


def _cluster_encrypted_default(res: TfResource, module: Module) -> bool | None:
    """Aurora Serverless v1 (``engine_mode = "serverless"``) is always encrypted."""
    if res.type != "aws_rds_cluster":
        return False
    return module.decide(res.get("engine_mode"), one_of({"serverless"}), res)


def db_storage_encrypted(res: TfResource, module: Module) -> bool | None:
    """``storage_encrypted`` of an RDS instance or cluster, with the provider default."""
    raw = res.get("storage_encrypted")
    if raw is None:
        return _cluster_encrypted_default(res, module)
    if res.has("engine_mode") and _cluster_encrypted_default(res, module) is True:
        return True  # Aurora Serverless v1 cannot be unencrypted, whatever the argument says
    return module.decide(raw, lambda v: to_bool(v, default=False), res)


def db_encryption_findings(res: TfResource, module: Module, why: str) -> Findings:
    """``storage_encrypted`` must be true (the finding, or why it cannot be told)."""
    verdict = db_storage_encrypted(res, module)
    if verdict is True:
        return
    raw = res.get("storage_encrypted")
    if verdict is None:
        if raw is None:
            yield unknown("engine_mode", res.get("engine_mode"), module)
        else:
            yield unknown("storage_encrypted", raw, module)
    elif raw is None:
        yield Violation(f"storage_encrypted is not set (defaults to false): {why}")
    else:
        yield Violation(
            f"storage_encrypted = {shown(raw, module)}: {why}", path=("storage_encrypted",)
        )


def ebs_encryption_by_default(module: Module) -> tuple[bool | None, TfResource | None]:
    """Is EBS encryption by default on in this module (``aws_ebs_encryption_by_default``,
    ``enabled`` defaults to true)? With ``None``, the resource whose value does not resolve."""
    undecided: TfResource | None = None
    for res in module.by_type("aws_ebs_encryption_by_default"):
        if res.disabled:
            continue
        verdict = module.decide(res.get("enabled"), lambda v: to_bool(v, default=True), res)
        if verdict is True:
            return True, None
        if verdict is None and undecided is None:
            undecided = res
    return (None, undecided) if undecided is not None else (False, None)


# --------------------------------------------------------------------------- AWS


def _aws_db(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    if res.type == "aws_db_instance":
        replica = db_replica(res, module)
        if replica is True:
            return  # a read replica inherits its source's encryption (N/A)
        if replica is None and db_storage_encrypted(res, module) is not True:
            yield unknown("replicate_source_db", res.get("replicate_source_db"), module)
            return
    yield from db_encryption_findings(
        res, module, "the database, its snapshots and automated backups are stored unencrypted"
    )


_NO_DEFAULT = "and no aws_ebs_encryption_by_default in the module turns it on"


def _ebs_device(
    block: Block | TfResource,
    module: Module,
    res: TfResource,
    what: str,
    by_default: tuple[bool | None, TfResource | None],
) -> Findings:
    """One EBS volume (``encrypted``), unless encryption by default covers it."""
    raw = block.get("encrypted")
    path: tuple[PathPart, ...] = (*block.path, "encrypted")
    verdict = module.decide(raw, lambda v: to_bool(v, default=False), res)
    enabled, undecided = by_default
    if verdict is True or enabled is True:
        return
    if verdict is None:
        yield unknown(dotted(path), raw, module)
        return
    if raw is None and is_set(block.get("snapshot_id"), module, res) is not False:
        snap = block.get("snapshot_id")
        yield Unknown(
            f"{what} is created from snapshot_id = {hcl(snap)}: it is encrypted only if that "
            "snapshot is"
        )
        return
    if undecided is not None:
        yield unknown(f"{undecided.address}.enabled", undecided.get("enabled"), module)
        return
    state = "is not set (defaults to false)" if raw is None else f"= {shown(raw, module)}"
    yield Violation(f"{dotted(path)} {state} {_NO_DEFAULT}: {what} is unencrypted", path=path)


def _aws_ebs_volume(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    yield from _ebs_device(res, module, res, "the volume", ebs_encryption_by_default(module))


def _aws_instance(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    by_default = ebs_encryption_by_default(module)
    roots = module.blocks(res, "root_block_device")
    from_template = bool(res.block.entries("launch_template"))  # its disks are judged there
    if not roots and not from_template and by_default[0] is not True:
        if by_default[1] is not None:
            undecided = by_default[1]
            yield unknown(f"{undecided.address}.enabled", undecided.get("enabled"), module)
        else:
            yield Violation(
                f"no root_block_device {_NO_DEFAULT}: the root volume is encrypted only if the "
                "AMI's snapshot is"
            )
    for block in roots:
        yield from _ebs_device(block, module, res, "the root volume", by_default)
    for block in module.blocks(res, "ebs_block_device"):
        yield from _ebs_device(block, module, res, "the data volume", by_default)


def _aws_launch_template(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    by_default = ebs_encryption_by_default(module)
    mappings = module.blocks(res, "block_device_mappings")
    if not mappings and by_default[0] is not True:
        if by_default[1] is not None:
            undecided = by_default[1]
            yield unknown(f"{undecided.address}.enabled", undecided.get("enabled"), module)
        else:
            yield Violation(
                f"no block_device_mappings {_NO_DEFAULT}: instances get the AMI's root volume, "
                "encrypted only if its snapshot is"
            )
    for mapping in mappings:
        for ebs in module.blocks(mapping, "ebs"):
            yield from _ebs_device(ebs, module, res, "the volume", by_default)


def _aws_efs(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    yield from required_true(res, "encrypted", module, res, "the file system is unencrypted")


def _aws_elasticache(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    raw = res.get("at_rest_encryption_enabled")
    if raw is None:
        engine = module.decide(res.get("engine"), one_of({"valkey"}), res)
        if engine is True:
            return  # Valkey replication groups are encrypted at rest by default
        if engine is None:
            yield unknown("engine", res.get("engine"), module)
            return
    yield from required_true(
        res, "at_rest_encryption_enabled", module, res, "cache data and snapshots are unencrypted"
    )


def _aws_sqs(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    kms = is_set(res.get("kms_master_key_id"), module, res)
    if kms is True:
        return
    raw = res.get("sqs_managed_sse_enabled")
    sse = module.decide(raw, lambda v: to_bool(v, default=False), res)
    if sse is True:
        return
    if kms is None:
        yield unknown("kms_master_key_id", res.get("kms_master_key_id"), module)
    elif sse is None:
        yield unknown("sqs_managed_sse_enabled", raw, module)
    elif raw is None:
        yield Violation(
            "neither sqs_managed_sse_enabled nor kms_master_key_id is set: AWS turns SSE-SQS on "
            "for queues created since late 2022, but an older or imported queue stays "
            "unencrypted; set sqs_managed_sse_enabled = true",
            severity=Severity.LOW,
        )
    else:
        yield Violation(
            f"sqs_managed_sse_enabled = {shown(raw, module)} and no kms_master_key_id: messages "
            "are stored unencrypted",
            path=("sqs_managed_sse_enabled",),
        )


def _aws_sns(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    kms = is_set(res.get("kms_master_key_id"), module, res)
    if kms is None:
        yield unknown("kms_master_key_id", res.get("kms_master_key_id"), module)
    elif kms is False:
        where: tuple[PathPart, ...] | None = (
            ("kms_master_key_id",) if res.has("kms_master_key_id") else None
        )
        yield Violation("kms_master_key_id is not set: messages are stored unencrypted", path=where)


_KMS_ALGORITHMS = {"aws:kms", "aws:kms:dsse"}


def _aws_s3_cmk(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    configs = [
        c
        for c in attached(module, res, "aws_s3_bucket_server_side_encryption_configuration")
        if not c.disabled
    ]
    owners: list[tuple[TfResource, Block]] = [
        (c, rule) for c in configs for rule in module.blocks(c, "rule")
    ]
    for inline in module.blocks(res, "server_side_encryption_configuration"):  # aws v3
        owners.extend((res, rule) for rule in module.blocks(inline, "rule"))
    if not owners:
        if module.unlinked(("aws_s3_bucket_server_side_encryption_configuration",), "bucket"):
            blk = module.unlinked(("aws_s3_bucket_server_side_encryption_configuration",), "bucket")
            yield unknown(f"{blk[0].address}.bucket", blk[0].get("bucket"), module)
            return
        yield Violation(
            "no server-side encryption configuration with a customer-managed KMS key "
            "(tf.require_cmk): objects are encrypted with the S3-owned key"
        )
        return
    for owner, rule in owners:
        for default in module.blocks(rule, "apply_server_side_encryption_by_default"):
            yield from _kms_default(owner, default, module, res)


def _kms_default(owner: TfResource, default: Block, module: Module, res: TfResource) -> Findings:
    where = "" if owner is res else f" ({owner.address})"
    raw = default.get("sse_algorithm")
    algo = module.decide(raw, one_of(_KMS_ALGORITHMS), owner)
    if algo is None:
        yield unknown("sse_algorithm", raw, module)
        return
    if algo is False:
        path = (*default.path, "sse_algorithm") if owner is res else None
        yield Violation(
            f"sse_algorithm = {shown(raw, module)}{where}: not a customer-managed KMS key "
            "(tf.require_cmk)",
            path=path,
        )
        return
    key = is_set(default.get("kms_master_key_id"), module, owner)
    if key is None:
        yield unknown("kms_master_key_id", default.get("kms_master_key_id"), module)
    elif key is False:
        path = (*default.path, "kms_master_key_id") if owner is res else None
        yield Violation(
            f"kms_master_key_id is not set{where}: aws:kms without it uses the AWS-managed "
            "aws/s3 key, not a customer-managed one (tf.require_cmk)",
            path=path,
        )


def _aws_dynamodb_cmk(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    sse = module.first(res, "server_side_encryption")
    why = "the table is encrypted with the AWS-owned key (tf.require_cmk)"
    if sse is None:
        yield Violation(f"server_side_encryption is not configured: {why}")
        return
    yield from required_true(sse, "enabled", module, res, why)
    if module.decide(sse.get("enabled"), lambda v: to_bool(v, default=False), res) is not True:
        return
    key = is_set(sse.get("kms_key_arn"), module, res)
    if key is None:
        yield unknown("server_side_encryption.kms_key_arn", sse.get("kms_key_arn"), module)
    elif key is False:
        yield Violation(
            "server_side_encryption.kms_key_arn is not set: the AWS-managed aws/dynamodb key is "
            "used, not a customer-managed one (tf.require_cmk)",
            path=(*sse.path, "kms_key_arn"),
        )


# --------------------------------------------------------------------------- GCP

# Where a customer-supplied key (CSEK) can be written: (block, attribute) per type;
# a block of None means an attribute of the resource itself.
_CSEK_KEYS = ("raw_key", "rsa_encrypted_key")
_CSEK: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "google_compute_disk": (
        (("disk_encryption_key",), _CSEK_KEYS),
        (("source_image_encryption_key",), _CSEK_KEYS),
        (("source_snapshot_encryption_key",), _CSEK_KEYS),
    ),
    "google_compute_region_disk": (
        (("disk_encryption_key",), _CSEK_KEYS),
        (("source_snapshot_encryption_key",), _CSEK_KEYS),
    ),
    "google_compute_instance": (
        (("boot_disk",), ("disk_encryption_key_raw", "disk_encryption_key_rsa")),
        (("attached_disk",), ("disk_encryption_key_raw", "disk_encryption_key_rsa")),
    ),
    "google_compute_snapshot": (
        (("snapshot_encryption_key",), _CSEK_KEYS),
        (("source_disk_encryption_key",), _CSEK_KEYS),
    ),
    "google_compute_image": (
        (("image_encryption_key",), _CSEK_KEYS),
        (("source_disk_encryption_key",), _CSEK_KEYS),
        (("source_image_encryption_key",), _CSEK_KEYS),
        (("source_snapshot_encryption_key",), _CSEK_KEYS),
    ),
    "google_compute_machine_image": ((("machine_image_encryption_key",), _CSEK_KEYS),),
    "google_storage_bucket_object": ((("customer_encryption",), ("encryption_key",)),),
}


def _blocks_at(res: TfResource, module: Module, names: tuple[str, ...]) -> list[Block]:
    owners: list[Block | TfResource] = [res]
    for name in names:
        owners = [b for o in owners for b in module.blocks(o, name)]
    return [o for o in owners if isinstance(o, Block)]


def _gcp_csek(res: TfResource, module: Module) -> Findings:
    for names, attrs in _CSEK.get(res.type, ()):
        for block in _blocks_at(res, module, names):
            for attr in attrs:
                raw = block.get(attr)
                if raw is None:
                    continue
                for value in module.candidates(raw, res):
                    if isinstance(value, str) and value.strip():
                        path = (*block.path, attr)
                        yield Violation(
                            f"{dotted(path)} is a customer-supplied encryption key written in "
                            "the configuration (a plaintext key in code and in state); use a "
                            "Cloud KMS key (kms_key_self_link) instead",
                            path=path,
                            severity=Severity.CRITICAL,
                            secret=value,
                        )
                        break


# (block path, attribute) naming the customer-managed key, per type (tf.require_cmk).
_CMEK: dict[str, tuple[tuple[str, ...], str]] = {
    "google_compute_disk": (("disk_encryption_key",), "kms_key_self_link"),
    "google_compute_region_disk": (("disk_encryption_key",), "kms_key_name"),
    "google_compute_instance": (("boot_disk",), "kms_key_self_link"),
    "google_storage_bucket": (("encryption",), "default_kms_key_name"),
    "google_sql_database_instance": ((), "encryption_key_name"),
    "google_bigquery_dataset": (("default_encryption_configuration",), "kms_key_name"),
}


def gcp_cmek(res: TfResource, module: Module, what: str = "data is") -> Findings:
    """With ``tf.require_cmk``: the resource names a Cloud KMS key."""
    spec = _CMEK.get(res.type)
    if spec is None:
        return
    names, attr = spec
    owners: list[Block | TfResource] = [res] if not names else list(_blocks_at(res, module, names))
    why = f"{what} encrypted with a Google-managed key, not a customer-managed one (tf.require_cmk)"
    if not owners:
        yield Violation(f"{'.'.join(names)} is not configured: {why}", path=names)
        return
    for owner in owners:
        raw = owner.get(attr)
        path: tuple[PathPart, ...] = (*owner.path, attr)
        key = is_set(raw, module, res)
        if key is None:
            yield unknown(dotted(path), raw, module)
        elif key is False:
            yield Violation(f"{dotted(path)} is not set: {why}", path=path)


def _gcp(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    yield from _gcp_csek(res, module)
    if require_cmk:
        yield from gcp_cmek(res, module)


# --------------------------------------------------------------------------- Azure


def _explicitly_off(
    owner: Block | TfResource, attr: str, module: Module, res: TfResource, why: str
) -> Findings:
    raw = owner.get(attr)
    if raw is None:
        return
    path: tuple[PathPart, ...] = (*owner.path, attr)
    verdict = module.decide(raw, is_false, res)
    if verdict is True:
        yield Violation(f"{dotted(path)} = {shown(raw, module)}: {why}", path=path)
    elif verdict is None:
        yield unknown(dotted(path), raw, module)


def _azure_managed_disk(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    for block in module.blocks(res, "encryption_settings"):  # `enabled` exists up to azurerm v3
        yield from _explicitly_off(
            block, "enabled", module, res, "Azure Disk Encryption is turned off for this disk"
        )


def _azure_mssql_database(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    yield from _explicitly_off(
        res,
        "transparent_data_encryption_enabled",
        module,
        res,
        "the database, its logs and backups are stored unencrypted",
    )


def _azure_storage_account(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    raw = res.get("infrastructure_encryption_enabled")
    verdict = module.decide(raw, lambda v: to_bool(v, default=False), res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown("infrastructure_encryption_enabled", raw, module)
        return
    state = "is not set (defaults to false)" if raw is None else f"= {shown(raw, module)}"
    yield Violation(
        f"infrastructure_encryption_enabled {state}: data is encrypted once (service level), "
        "not also at the infrastructure level",
        path=("infrastructure_encryption_enabled",),
        severity=Severity.LOW,
    )


ENCRYPTION_AT_REST: dict[str, Check] = {
    "aws_db_instance": _aws_db,
    "aws_rds_cluster": _aws_db,
    "aws_ebs_volume": _aws_ebs_volume,
    "aws_instance": _aws_instance,
    "aws_launch_configuration": _aws_instance,
    "aws_launch_template": _aws_launch_template,
    "aws_efs_file_system": _aws_efs,
    "aws_elasticache_replication_group": _aws_elasticache,
    "aws_sqs_queue": _aws_sqs,
    "aws_sns_topic": _aws_sns,
    "aws_s3_bucket": _aws_s3_cmk,
    "aws_dynamodb_table": _aws_dynamodb_cmk,
    **{t: _gcp for t in (*_CSEK, *_CMEK)},
    "azurerm_managed_disk": _azure_managed_disk,
    "azurerm_mssql_database": _azure_mssql_database,
    "azurerm_storage_account": _azure_storage_account,
}

CMK_ONLY = frozenset({"aws_s3_bucket", "aws_dynamodb_table"} | {t for t in _CMEK if t not in _CSEK})
"""Types encrypted by default with a provider key: judged only under ``tf.require_cmk``."""


# --------------------------------------------------------------------------- AWS data services
#
# Provider defaults (AWS provider resource docs): an OpenSearch/Elasticsearch domain
# without ``encrypt_at_rest`` is unencrypted ("If the encrypt_at_rest block is not
# provided then this defaults to false"); DocumentDB and Neptune clusters default
# ``storage_encrypted`` to false; a Kinesis stream's ``encryption_type`` defaults to
# NONE; a DAX cluster's ``server_side_encryption.enabled`` defaults to false. Redshift
# is the exception: AWS creates every new provisioned cluster encrypted (CreateCluster:
# Encrypted "Default: true", and false makes the request fail) and AWS provider v6
# defaults ``encrypted`` to true, so only an explicit ``encrypted = false`` (an older
# cluster kept unencrypted) is a finding.


def _block_enabled(
    res: TfResource, module: Module, name: str, attr: str, default_note: str, why: str
) -> Findings:
    """A settings block (``name { attr = true }``) must exist and turn encryption on."""
    blocks = module.blocks(res, name)
    if not blocks:
        raw = unread_list(res, name, module.resolve)
        if raw is not None:
            yield unknown(name, raw, module)
        else:
            yield Violation(f"no {name} block ({default_note}): {why}")
        return
    for block in blocks:
        yield from required_true(block, attr, module, res, why)


def _aws_search_domain(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    yield from _block_enabled(
        res,
        module,
        "encrypt_at_rest",
        "enabled",
        "encryption at rest defaults to off",
        "indices, logs, swap files and automated snapshots are stored unencrypted",
    )


def _aws_storage_encrypted(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    what = "DocumentDB" if res.type == "aws_docdb_cluster" else "Neptune"
    yield from required_true(
        res,
        "storage_encrypted",
        module,
        res,
        f"the {what} cluster's storage, snapshots and backups are unencrypted",
    )


def _aws_kinesis_stream(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    raw = res.get("encryption_type")
    verdict = module.decide(raw, one_of({"kms"}), res)
    if verdict is True:
        return
    if verdict is None:
        yield unknown("encryption_type", raw, module)
        return
    state = "is not set (defaults to NONE)" if raw is None else f"= {shown(raw, module)}"
    yield Violation(
        f'encryption_type {state}: records are stored unencrypted; set encryption_type = "KMS"',
        path=("encryption_type",),
    )


def _aws_redshift(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    yield from _explicitly_off(
        res, "encrypted", module, res, "the cluster's data and snapshots are unencrypted"
    )


def _aws_dax(res: TfResource, module: Module, require_cmk: bool) -> Findings:
    yield from _block_enabled(
        res,
        module,
        "server_side_encryption",
        "enabled",
        "server-side encryption defaults to off",
        "the cache's data on disk is unencrypted",
    )


ENCRYPTION_AT_REST.update(
    {
        "aws_opensearch_domain": _aws_search_domain,
        "aws_elasticsearch_domain": _aws_search_domain,
        "aws_docdb_cluster": _aws_storage_encrypted,
        "aws_neptune_cluster": _aws_storage_encrypted,
        "aws_kinesis_stream": _aws_kinesis_stream,
        "aws_redshift_cluster": _aws_redshift,
        "aws_dax_cluster": _aws_dax,
    }
)
