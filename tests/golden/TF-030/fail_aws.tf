resource "aws_acm_certificate" "email" {
  domain_name       = "mail.example.com"
  validation_method = "EMAIL" # expect: TF-030

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "imported" {
  private_key      = file("key.pem") # expect: TF-030
  certificate_body = file("cert.pem")
}

resource "aws_iam_server_certificate" "legacy" {
  name             = "legacy"
  certificate_body = file("cert.pem") # expect: TF-030
  private_key      = file("key.pem")
}

# DNS validation, but nothing publishes the records (low) and no create_before_destroy (low).
resource "aws_acm_certificate" "no_records" { # expect: TF-030, TF-030
  domain_name       = "norecords.example.com"
  validation_method = "DNS"
}

resource "aws_acm_certificate" "destroy_first" {
  domain_name       = "destroyfirst.example.com"
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = false # expect: TF-030
  }
}

resource "aws_acm_certificate_validation" "destroy_first" {
  certificate_arn = aws_acm_certificate.destroy_first.arn
}
