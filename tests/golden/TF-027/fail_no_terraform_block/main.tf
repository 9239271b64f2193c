# Root module with a provider but no terraform block at all. # expect: TF-027
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
