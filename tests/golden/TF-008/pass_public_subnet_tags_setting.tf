# tf.public_subnet_tags = ["Layer=dmz"] (sibling .toml) marks this subnet as public.
resource "aws_subnet" "dmz" {
  vpc_id                  = "vpc-0123456789abcdef0"
  cidr_block              = "10.0.9.0/24"
  map_public_ip_on_launch = true
  tags = {
    Layer = "DMZ"
  }
}
