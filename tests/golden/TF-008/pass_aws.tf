resource "aws_db_instance" "private" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 7
}

resource "aws_db_instance" "explicit" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 7
  publicly_accessible     = false
}

resource "aws_redshift_cluster" "private" {
  cluster_identifier  = "warehouse"
  node_type           = "ra3.xlplus"
  publicly_accessible = false
}

resource "aws_instance" "app" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}

resource "aws_subnet" "public_tier" {
  vpc_id                  = "vpc-0123456789abcdef0"
  cidr_block              = "10.0.0.0/24"
  map_public_ip_on_launch = true
  tags = {
    Name = "main-public-a"
  }
}

resource "aws_subnet" "elb_tier" {
  vpc_id                  = "vpc-0123456789abcdef0"
  cidr_block              = "10.0.2.0/24"
  map_public_ip_on_launch = true
  tags = {
    "kubernetes.io/role/elb" = "1"
  }
}

resource "aws_subnet" "private" {
  vpc_id     = "vpc-0123456789abcdef0"
  cidr_block = "10.0.3.0/24"
}

resource "aws_eks_cluster" "private_endpoint" {
  name     = "private"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids              = ["subnet-0123456789abcdef0"]
    endpoint_private_access = true
    endpoint_public_access  = false
  }
}

resource "aws_eks_cluster" "restricted" {
  name     = "restricted"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids          = ["subnet-0123456789abcdef0"]
    public_access_cidrs = ["203.0.113.0/24"]
  }
}

# count = 0: no instance, no item.
resource "aws_db_instance" "disabled" {
  count               = 0
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  publicly_accessible = true
}
