resource "aws_s3_bucket" "no_sse" { # expect: TF-002
  bucket = "acme-no-sse"
}

resource "aws_s3_bucket" "sse_s3" { # expect: TF-002
  bucket = "acme-sse-s3"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "sse_s3" {
  bucket = aws_s3_bucket.sse_s3.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket" "aws_managed" { # expect: TF-002
  bucket = "acme-aws-managed"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "aws_managed" {
  bucket = aws_s3_bucket.aws_managed.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

# aws v3 inline configuration
resource "aws_s3_bucket" "inline" {
  bucket = "acme-inline"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256" # expect: TF-002
      }
    }
  }
}

resource "aws_dynamodb_table" "default_key" { # expect: TF-002
  name     = "sessions"
  hash_key = "id"
}

resource "aws_dynamodb_table" "aws_managed" {
  name     = "orders"
  hash_key = "id"
  server_side_encryption { # expect: TF-002
    enabled = true
  }
}

resource "google_storage_bucket" "gmek" { # expect: TF-002
  name     = "acme-data"
  location = "EU"
}

resource "google_sql_database_instance" "db" { # expect: TF-002
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
  }
}

resource "google_compute_disk" "data" { # expect: TF-002
  name = "data"
  zone = "europe-west1-b"
}

resource "google_bigquery_dataset" "events" { # expect: TF-002
  dataset_id = "events"
}
