# Stand-in for the registry module terraform-aws-modules/vpc/aws, written against v6 (read
# at v6.6.0). pytest-devops-policy evaluates a call of that module as a call of this
# directory: the call's arguments set these variables, and the policies judge the resources
# below. It is written for that purpose only (never applied) and shares no code with the
# real module; the variables carry the real module's defaults for the inputs modelled here.
#
# Modelled:
# - the VPC;
# - the public subnets' map_public_ip_on_launch and their Name tag (TF-008 accepts public
#   IPs on subnets tagged as the public tier: the module names them "<name>-public-<az>");
# - the default security group the module adopts (manage_default_security_group, default
#   true) with default_security_group_ingress/egress (default: no rules, which is what
#   TF-007 asks of a default security group);
# - the default network ACL the module adopts (manage_default_network_acl, default true)
#   with default_network_acl_ingress/egress, whose defaults allow all traffic from and to
#   0.0.0.0/0 and ::/0 (as AWS's own default ACL does);
# - the flow log (enable_flow_log, default false). No policy reads flow logs today.
#
# Left out:
# - the per-AZ suffix of the public subnets' Name tag ("-<az>") and public_subnet_names;
# - private, database, redshift, elasticache, intra and outpost subnets (the module never
#   sets map_public_ip_on_launch on them), route tables, NAT and internet gateways, DHCP
#   options, VPC endpoints, IPAM, secondary CIDRs, customer gateways, VPN gateways;
# - the dedicated network ACLs (public_dedicated_network_acl and the like, default false)
#   and their aws_network_acl_rule resources, the flow log's CloudWatch log group and IAM
#   role (create_flow_log_cloudwatch_log_group / _iam_role, default false), the default
#   VPC and default route table: resources whose existence depends on a conditional count
#   would be judged even when the call does not create them.
#
# A resource whose count is a conditional is judged as if it existed, so the rule blocks of
# the default security group and network ACL are also gated on manage_default_security_group
# and manage_default_network_acl: with either false the call leaves the default untouched
# and the stand-in's resource has no rule to judge.

resource "aws_vpc" "this" {
  count = var.create_vpc ? 1 : 0

  cidr_block           = var.cidr
  instance_tenancy     = var.instance_tenancy
  enable_dns_hostnames = var.enable_dns_hostnames
  enable_dns_support   = var.enable_dns_support

  tags = merge({ Name = var.name }, var.tags, var.vpc_tags)
}

resource "aws_subnet" "public" {
  count = var.create_vpc && length(var.public_subnets) > 0 ? length(var.public_subnets) : 0

  vpc_id                  = aws_vpc.this[0].id
  cidr_block              = var.public_subnets[count.index]
  map_public_ip_on_launch = var.map_public_ip_on_launch

  tags = merge({ Name = "${var.name}-${var.public_subnet_suffix}" }, var.tags, var.public_subnet_tags)
}

resource "aws_default_security_group" "this" {
  count = var.create_vpc && var.manage_default_security_group ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  dynamic "ingress" {
    for_each = var.manage_default_security_group ? var.default_security_group_ingress : []
    content {
      self             = lookup(ingress.value, "self", null)
      cidr_blocks      = compact(split(",", lookup(ingress.value, "cidr_blocks", "")))
      ipv6_cidr_blocks = compact(split(",", lookup(ingress.value, "ipv6_cidr_blocks", "")))
      prefix_list_ids  = compact(split(",", lookup(ingress.value, "prefix_list_ids", "")))
      security_groups  = compact(split(",", lookup(ingress.value, "security_groups", "")))
      description      = lookup(ingress.value, "description", null)
      from_port        = lookup(ingress.value, "from_port", 0)
      to_port          = lookup(ingress.value, "to_port", 0)
      protocol         = lookup(ingress.value, "protocol", "-1")
    }
  }

  dynamic "egress" {
    for_each = var.manage_default_security_group ? var.default_security_group_egress : []
    content {
      self             = lookup(egress.value, "self", null)
      cidr_blocks      = compact(split(",", lookup(egress.value, "cidr_blocks", "")))
      ipv6_cidr_blocks = compact(split(",", lookup(egress.value, "ipv6_cidr_blocks", "")))
      prefix_list_ids  = compact(split(",", lookup(egress.value, "prefix_list_ids", "")))
      security_groups  = compact(split(",", lookup(egress.value, "security_groups", "")))
      description      = lookup(egress.value, "description", null)
      from_port        = lookup(egress.value, "from_port", 0)
      to_port          = lookup(egress.value, "to_port", 0)
      protocol         = lookup(egress.value, "protocol", "-1")
    }
  }

  tags = merge({ Name = coalesce(var.default_security_group_name, "${var.name}-default") }, var.tags, var.default_security_group_tags)
}

resource "aws_default_network_acl" "this" {
  count = var.create_vpc && var.manage_default_network_acl ? 1 : 0

  default_network_acl_id = aws_vpc.this[0].default_network_acl_id

  dynamic "ingress" {
    for_each = var.manage_default_network_acl ? var.default_network_acl_ingress : []
    content {
      action          = ingress.value.action
      cidr_block      = lookup(ingress.value, "cidr_block", null)
      from_port       = ingress.value.from_port
      icmp_code       = lookup(ingress.value, "icmp_code", null)
      icmp_type       = lookup(ingress.value, "icmp_type", null)
      ipv6_cidr_block = lookup(ingress.value, "ipv6_cidr_block", null)
      protocol        = ingress.value.protocol
      rule_no         = ingress.value.rule_no
      to_port         = ingress.value.to_port
    }
  }

  dynamic "egress" {
    for_each = var.manage_default_network_acl ? var.default_network_acl_egress : []
    content {
      action          = egress.value.action
      cidr_block      = lookup(egress.value, "cidr_block", null)
      from_port       = egress.value.from_port
      icmp_code       = lookup(egress.value, "icmp_code", null)
      icmp_type       = lookup(egress.value, "icmp_type", null)
      ipv6_cidr_block = lookup(egress.value, "ipv6_cidr_block", null)
      protocol        = egress.value.protocol
      rule_no         = egress.value.rule_no
      to_port         = egress.value.to_port
    }
  }

  tags = merge({ Name = coalesce(var.default_network_acl_name, "${var.name}-default") }, var.tags, var.default_network_acl_tags)
}

resource "aws_flow_log" "this" {
  count = var.create_vpc && var.enable_flow_log ? 1 : 0

  vpc_id                   = aws_vpc.this[0].id
  log_destination_type     = var.flow_log_destination_type
  log_destination          = var.flow_log_destination_arn
  iam_role_arn             = var.flow_log_cloudwatch_iam_role_arn
  traffic_type             = var.flow_log_traffic_type
  max_aggregation_interval = var.flow_log_max_aggregation_interval
  log_format               = var.flow_log_log_format
}
