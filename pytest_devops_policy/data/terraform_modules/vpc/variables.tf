# Inputs of terraform-aws-modules/vpc/aws (v6) that the stand-in models, with that
# module's defaults. Inputs not declared here are accepted by the real module but change
# nothing the policies read (see main.tf).

variable "create_vpc" {
  type    = bool
  default = true
}

variable "name" {
  type    = string
  default = ""
}

variable "cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "instance_tenancy" {
  type    = string
  default = "default"
}

variable "enable_dns_hostnames" {
  type    = bool
  default = true
}

variable "enable_dns_support" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "vpc_tags" {
  type    = map(string)
  default = {}
}

variable "azs" {
  type    = list(string)
  default = []
}

variable "public_subnets" {
  type    = list(string)
  default = []
}

variable "public_subnet_suffix" {
  type    = string
  default = "public"
}

variable "public_subnet_tags" {
  type    = map(string)
  default = {}
}

variable "map_public_ip_on_launch" {
  type    = bool
  default = false
}

variable "manage_default_security_group" {
  type    = bool
  default = true
}

variable "default_security_group_name" {
  type    = string
  default = null
}

variable "default_security_group_ingress" {
  type    = list(map(string))
  default = []
}

variable "default_security_group_egress" {
  type    = list(map(string))
  default = []
}

variable "default_security_group_tags" {
  type    = map(string)
  default = {}
}

variable "manage_default_network_acl" {
  type    = bool
  default = true
}

variable "default_network_acl_name" {
  type    = string
  default = null
}

variable "default_network_acl_ingress" {
  type    = list(map(string))
  default = [
    {
      rule_no    = 100
      action     = "allow"
      from_port  = 0
      to_port    = 0
      protocol   = "-1"
      cidr_block = "0.0.0.0/0"
    },
    {
      rule_no         = 101
      action          = "allow"
      from_port       = 0
      to_port         = 0
      protocol        = "-1"
      ipv6_cidr_block = "::/0"
    },
  ]
}

variable "default_network_acl_egress" {
  type    = list(map(string))
  default = [
    {
      rule_no    = 100
      action     = "allow"
      from_port  = 0
      to_port    = 0
      protocol   = "-1"
      cidr_block = "0.0.0.0/0"
    },
    {
      rule_no         = 101
      action          = "allow"
      from_port       = 0
      to_port         = 0
      protocol        = "-1"
      ipv6_cidr_block = "::/0"
    },
  ]
}

variable "default_network_acl_tags" {
  type    = map(string)
  default = {}
}

variable "enable_flow_log" {
  type    = bool
  default = false
}

variable "flow_log_destination_type" {
  type    = string
  default = "cloud-watch-logs"
}

variable "flow_log_destination_arn" {
  type    = string
  default = ""
}

variable "flow_log_cloudwatch_iam_role_arn" {
  type    = string
  default = ""
}

variable "flow_log_traffic_type" {
  type    = string
  default = "ALL"
}

variable "flow_log_max_aggregation_interval" {
  type    = number
  default = 600
}

variable "flow_log_log_format" {
  type    = string
  default = null
}
