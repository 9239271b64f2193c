variable "cache_transit" {
  default = false
}

resource "aws_elasticache_replication_group" "from_variable" {
  replication_group_id       = "from-variable"
  description                = "cache"
  transit_encryption_enabled = var.cache_transit # expect: TF-005
}

resource "aws_elasticache_replication_group" "disabled" {
  count                = 0
  replication_group_id = "disabled"
  description          = "cache"
}
