resource "aws_s3_bucket" "assets" {
  bucket = "example-private-assets"

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket                  = aws_s3_bucket.assets.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyPlainHTTP"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::example-private-assets", "arn:aws:s3:::example-private-assets/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

variable "mfa_device" {
  type        = string
  description = "The root account's MFA serial and a current code, \"<serial> <code>\"."
}

resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id
  mfa    = var.mfa_device
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Enabled"
  }
}

resource "aws_security_group" "web" {
  name = "web"

  ingress {
    description = "HTTPS from anywhere"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "SSH from the VPN only"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }
}

resource "aws_db_instance" "main" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t3.micro"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  storage_encrypted           = true
  backup_retention_period     = 14
  deletion_protection         = true
  final_snapshot_identifier   = "orders-final"
  delete_automated_backups    = false
  multi_az                    = true
  # TF-023: query-level metrics (or monitoring_interval with a monitoring_role_arn)
  performance_insights_enabled = true

  lifecycle {
    prevent_destroy = true
  }
}
