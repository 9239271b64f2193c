# A root module with a provider block and no terraform block. # expect: TF-022
provider "aws" {
  region = "eu-west-1"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
