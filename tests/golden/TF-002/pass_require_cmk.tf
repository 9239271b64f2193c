resource "aws_kms_key" "data" {
  enable_key_rotation = true
}

resource "aws_s3_bucket" "cmk" {
  bucket = "acme-cmk"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "cmk" {
  bucket = "acme-cmk"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}

resource "aws_dynamodb_table" "cmk" {
  name     = "sessions"
  hash_key = "id"
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.data.arn
  }
}

resource "google_storage_bucket" "cmek" {
  name     = "acme-data"
  location = "EU"
  encryption {
    default_kms_key_name = google_kms_crypto_key.data.id
  }
}

resource "google_sql_database_instance" "db" {
  database_version    = "POSTGRES_15"
  encryption_key_name = google_kms_crypto_key.data.id
  settings {
    tier = "db-f1-micro"
  }
}

resource "google_compute_disk" "data" {
  name = "data"
  zone = "europe-west1-b"
  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.data.id
  }
}

resource "google_bigquery_dataset" "events" {
  dataset_id = "events"
  default_encryption_configuration {
    kms_key_name = "projects/p/locations/eu/keyRings/r/cryptoKeys/k"
  }
}
