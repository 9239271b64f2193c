# No provider and no backend block: a child module wherever it lives.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
