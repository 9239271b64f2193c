locals {
  behaviours = {
    "/api/*"    = "https-only"
    "/legacy/*" = "allow-all"
  }
}

resource "aws_cloudfront_distribution" "dynamic_behaviours" {
  enabled = true

  origin {
    domain_name = "bucket.s3.amazonaws.com"
    origin_id   = "s3"
  }

  default_cache_behavior {
    target_origin_id       = "s3"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }

  dynamic "ordered_cache_behavior" {
    for_each = local.behaviours
    content {
      path_pattern           = ordered_cache_behavior.key
      target_origin_id       = "s3"
      viewer_protocol_policy = ordered_cache_behavior.value # expect: TF-004
      allowed_methods        = ["GET", "HEAD"]
      cached_methods         = ["GET", "HEAD"]
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate.web.arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}
