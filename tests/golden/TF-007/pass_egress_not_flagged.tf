# tf.flag_open_egress = false (sibling .toml): open egress is not reported.
resource "aws_security_group" "egress_open" {
  name = "egress-open"
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
