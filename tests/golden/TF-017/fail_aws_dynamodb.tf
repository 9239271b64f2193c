resource "aws_dynamodb_table" "no_pitr" { # expect: TF-017
  name     = "no-pitr"
  hash_key = "id"
}

resource "aws_dynamodb_table" "pitr_off" {
  name     = "pitr-off"
  hash_key = "id"

  point_in_time_recovery {
    enabled = false # expect: TF-017
  }
}

resource "aws_dynamodb_table" "pitr_block_without_enabled" {
  name     = "pitr-empty"
  hash_key = "id"

  point_in_time_recovery { # expect: TF-017
  }
}

resource "aws_dynamodb_table" "short_window" {
  name     = "short-window"
  hash_key = "id"

  point_in_time_recovery {
    enabled                 = true
    recovery_period_in_days = 3 # expect: TF-017
  }
}
