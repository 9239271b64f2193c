resource "aws_autoscaling_group" "f1_web" {
  max_size = 3
  min_size = 1

  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 90
      auto_rollback          = false # expect: TF-021
    }
  }
}

resource "aws_autoscaling_group" "f1_no_preferences" {
  max_size = 3
  min_size = 1

  instance_refresh { # expect: TF-021
    strategy = "Rolling"
  }
}

resource "aws_autoscaling_group" "f1_dynamic" {
  max_size = 3
  min_size = 1

  dynamic "instance_refresh" {
    for_each = [1]
    content {
      strategy = "Rolling"
      preferences {
        auto_rollback = false # expect: TF-021
      }
    }
  }
}

resource "aws_cloudformation_stack" "f1_network" {
  name             = "f1-network"
  template_body    = "{}"
  disable_rollback = true # expect: TF-021
}

resource "aws_cloudformation_stack" "f1_keep_failed" {
  name          = "f1-keep-failed"
  template_body = "{}"
  on_failure    = "DO_NOTHING" # expect: TF-021
}
