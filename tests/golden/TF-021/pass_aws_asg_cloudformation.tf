resource "aws_autoscaling_group" "f8_web" {
  max_size = 3
  min_size = 1

  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 90
      auto_rollback          = true
    }
  }
}

# No instance refresh: nothing to roll back (no item).
resource "aws_autoscaling_group" "f8_batch" {
  max_size = 3
  min_size = 0
}

resource "aws_cloudformation_stack" "f8_network" {
  name          = "f8-network"
  template_body = "{}"
}

resource "aws_cloudformation_stack" "f8_explicit" {
  name             = "f8-explicit"
  template_body    = "{}"
  disable_rollback = false
  on_failure       = "ROLLBACK"
}
