# snapshot_retention_limit defaults to 0: no snapshots at all.
resource "aws_elasticache_replication_group" "no_snapshots" { # expect: TF-017
  replication_group_id = "no-snapshots"
  description          = "cache"
}

resource "aws_elasticache_replication_group" "zero_snapshots" {
  replication_group_id     = "zero-snapshots"
  description              = "cache"
  snapshot_retention_limit = 0 # expect: TF-017
}
