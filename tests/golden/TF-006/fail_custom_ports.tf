# Settings (sibling .toml) add 8443 as an admin port.
resource "aws_security_group" "custom_admin" {
  name = "custom-admin"

  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] # expect: TF-006
  }
}
