# Stand-in for the registry module terraform-aws-modules/security-group/aws, written against
# v5 (read at v5.3.1). pytest-devops-policy evaluates a call of that module as a call of this
# directory: the call's arguments set these variables, and the policies judge the resources
# below. It is written for that purpose only (never applied) and shares no code with the
# real module; the variables carry the real module's defaults for the inputs modelled here.
#
# Modelled: the rules with internet-reachable peers, which TF-006 and TF-007 judge:
# - ingress_rules / computed_ingress_rules: named rules (var.rules, a subset of the real
#   module's table, see variables.tf) from ingress_cidr_blocks and ingress_ipv6_cidr_blocks;
# - ingress_with_cidr_blocks / computed_ingress_with_cidr_blocks and
#   ingress_with_ipv6_cidr_blocks: maps with from_port/to_port/protocol or a named "rule",
#   and "cidr_blocks" as a comma-separated string (default: ingress_cidr_blocks);
# - the same on the egress side (egress_cidr_blocks defaults to 0.0.0.0/0, ::/0).
#
# The real module creates one aws_security_group_rule per rule (count over the list) on
# aws_security_group.this_name_prefix (use_name_prefix, default true) or .this. Here the
# rules are dynamic ingress/egress blocks of one aws_security_group "this": a dynamic block
# is expanded per element of the caller's list, while the attributes of a counted rule
# resource are judged once, as a template, and would stay unresolved. The rules are judged
# the same when create_sg = false attaches them to security_group_id.
#
# Left out:
# - rules whose peers are other security groups, self or prefix lists
#   (ingress_with_self, ingress_with_source_security_group_id, ingress_with_prefix_list_ids,
#   ingress_prefix_list_ids and the egress and computed_ variants): no internet source;
# - number_of_computed_*: the computed_* lists are read whole;
# - named rules outside the shipped table: their ports stay unresolved (Unknown);
# - the named-group submodules (//modules/ssh, //modules/mysql, ...): not mapped.

resource "aws_security_group" "this" {
  count = var.create && var.create_sg ? 1 : 0

  name                   = var.use_name_prefix ? null : var.name
  name_prefix            = var.use_name_prefix ? "${var.name}-" : null
  description            = var.description
  vpc_id                 = var.vpc_id
  revoke_rules_on_delete = var.revoke_rules_on_delete

  dynamic "ingress" {
    for_each = concat(var.ingress_rules, var.computed_ingress_rules)
    content {
      description      = var.rules[ingress.value][3]
      from_port        = var.rules[ingress.value][0]
      to_port          = var.rules[ingress.value][1]
      protocol         = var.rules[ingress.value][2]
      cidr_blocks      = var.ingress_cidr_blocks
      ipv6_cidr_blocks = var.ingress_ipv6_cidr_blocks
    }
  }

  dynamic "ingress" {
    for_each = concat(var.ingress_with_cidr_blocks, var.computed_ingress_with_cidr_blocks)
    content {
      description = lookup(ingress.value, "description", "Ingress Rule")
      from_port   = lookup(ingress.value, "from_port", var.rules[lookup(ingress.value, "rule", "_")][0])
      to_port     = lookup(ingress.value, "to_port", var.rules[lookup(ingress.value, "rule", "_")][1])
      protocol    = lookup(ingress.value, "protocol", var.rules[lookup(ingress.value, "rule", "_")][2])
      cidr_blocks = compact(split(",", lookup(ingress.value, "cidr_blocks", join(",", var.ingress_cidr_blocks))))
    }
  }

  dynamic "ingress" {
    for_each = var.ingress_with_ipv6_cidr_blocks
    content {
      description      = lookup(ingress.value, "description", "Ingress Rule")
      from_port        = lookup(ingress.value, "from_port", var.rules[lookup(ingress.value, "rule", "_")][0])
      to_port          = lookup(ingress.value, "to_port", var.rules[lookup(ingress.value, "rule", "_")][1])
      protocol         = lookup(ingress.value, "protocol", var.rules[lookup(ingress.value, "rule", "_")][2])
      ipv6_cidr_blocks = compact(split(",", lookup(ingress.value, "ipv6_cidr_blocks", join(",", var.ingress_ipv6_cidr_blocks))))
    }
  }

  dynamic "egress" {
    for_each = concat(var.egress_rules, var.computed_egress_rules)
    content {
      description      = var.rules[egress.value][3]
      from_port        = var.rules[egress.value][0]
      to_port          = var.rules[egress.value][1]
      protocol         = var.rules[egress.value][2]
      cidr_blocks      = var.egress_cidr_blocks
      ipv6_cidr_blocks = var.egress_ipv6_cidr_blocks
    }
  }

  dynamic "egress" {
    for_each = concat(var.egress_with_cidr_blocks, var.computed_egress_with_cidr_blocks)
    content {
      description = lookup(egress.value, "description", "Egress Rule")
      from_port   = lookup(egress.value, "from_port", var.rules[lookup(egress.value, "rule", "_")][0])
      to_port     = lookup(egress.value, "to_port", var.rules[lookup(egress.value, "rule", "_")][1])
      protocol    = lookup(egress.value, "protocol", var.rules[lookup(egress.value, "rule", "_")][2])
      cidr_blocks = compact(split(",", lookup(egress.value, "cidr_blocks", join(",", var.egress_cidr_blocks))))
    }
  }

  dynamic "egress" {
    for_each = var.egress_with_ipv6_cidr_blocks
    content {
      description      = lookup(egress.value, "description", "Egress Rule")
      from_port        = lookup(egress.value, "from_port", var.rules[lookup(egress.value, "rule", "_")][0])
      to_port          = lookup(egress.value, "to_port", var.rules[lookup(egress.value, "rule", "_")][1])
      protocol         = lookup(egress.value, "protocol", var.rules[lookup(egress.value, "rule", "_")][2])
      ipv6_cidr_blocks = compact(split(",", lookup(egress.value, "ipv6_cidr_blocks", join(",", var.egress_ipv6_cidr_blocks))))
    }
  }

  tags = merge({ Name = var.name }, var.tags)
}
