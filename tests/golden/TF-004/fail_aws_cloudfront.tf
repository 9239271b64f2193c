resource "aws_cloudfront_distribution" "weak" {
  enabled = true

  origin {
    domain_name = "app.example.com"
    origin_id   = "app"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "http-only" # expect: TF-004
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "app"
    viewer_protocol_policy = "allow-all" # expect: TF-004
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }

  ordered_cache_behavior {
    path_pattern           = "/api/*"
    target_origin_id       = "app"
    viewer_protocol_policy = "allow-all" # expect: TF-004
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate.web.arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2019" # expect: TF-004
  }
}

resource "aws_cloudfront_distribution" "default_cert" {
  enabled = true

  origin {
    domain_name = "bucket.s3.amazonaws.com"
    origin_id   = "s3"
  }

  default_cache_behavior {
    target_origin_id       = "s3"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true # expect: TF-004
  }
}

# minimum_protocol_version unset: TLSv1.
resource "aws_cloudfront_distribution" "no_minimum" {
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

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate { # expect: TF-004
    acm_certificate_arn = aws_acm_certificate.web.arn
    ssl_support_method  = "sni-only"
  }
}

resource "aws_api_gateway_domain_name" "old" {
  domain_name              = "api.example.com"
  regional_certificate_arn = aws_acm_certificate.web.arn
  security_policy          = "TLS_1_0" # expect: TF-004
}

# security_policy unset: TLS_1_0.
resource "aws_api_gateway_domain_name" "unset" { # expect: TF-004
  domain_name              = "api2.example.com"
  regional_certificate_arn = aws_acm_certificate.web.arn
}
