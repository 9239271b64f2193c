resource "aws_db_instance" "public" {
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 7
  publicly_accessible     = true # expect: TF-008
}

resource "aws_rds_cluster_instance" "public" {
  cluster_identifier  = "aurora"
  instance_class      = "db.r6g.large"
  engine              = "aurora-postgresql"
  publicly_accessible = "true" # expect: TF-008
}

# Redshift defaulted to publicly_accessible = true before AWS provider 6: absent fails.
resource "aws_redshift_cluster" "implicit" { # expect: TF-008
  cluster_identifier = "warehouse"
  node_type          = "ra3.xlplus"
}

resource "aws_redshift_cluster" "explicit" {
  cluster_identifier  = "warehouse-2"
  node_type           = "ra3.xlplus"
  publicly_accessible = true # expect: TF-008
}

# medium: an instance with a public IP.
resource "aws_instance" "web" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  associate_public_ip_address = true # expect: TF-008
}

# medium: public IPs on launch in a subnet not tagged as the public tier.
resource "aws_subnet" "app" {
  vpc_id                  = "vpc-0123456789abcdef0"
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true # expect: TF-008
  tags = {
    Name = "app-private-a"
  }
}

# EKS: public endpoint by default, open to 0.0.0.0/0 by default.
resource "aws_eks_cluster" "defaults" {
  name     = "defaults"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config { # expect: TF-008
    subnet_ids = ["subnet-0123456789abcdef0"]
  }
}

resource "aws_eks_cluster" "open_cidrs" {
  name     = "open-cidrs"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids             = ["subnet-0123456789abcdef0"]
    endpoint_public_access = true
    public_access_cidrs    = ["203.0.113.0/24", "0.0.0.0/0"] # expect: TF-008
  }
}

# A variable's default is resolved.
variable "db_public" {
  default = true
}

resource "aws_db_instance" "from_variable" {
  engine                  = "mysql"
  instance_class          = "db.t4g.micro"
  backup_retention_period = 7
  publicly_accessible     = var.db_public # expect: TF-008
}
