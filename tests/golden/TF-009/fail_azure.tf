data "azurerm_subscription" "fail_primary" {}

resource "azurerm_role_definition" "everything" {
  name  = "everything"
  scope = data.azurerm_subscription.fail_primary.id

  permissions {
    actions     = ["*"] # expect: TF-009
    not_actions = []
  }
}

resource "azurerm_role_assignment" "owner_subscription" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "Owner" # expect: TF-009
  principal_id         = "11111111-1111-1111-1111-111111111111"
}

resource "azurerm_role_assignment" "uaa_data_subscription" {
  scope                = data.azurerm_subscription.fail_primary.id
  role_definition_name = "User Access Administrator" # expect: TF-009
  principal_id         = "11111111-1111-1111-1111-111111111111"
}

variable "fail_subscription_id" {
  type = string
}

# Owner by its built-in role definition GUID, scope built from a variable.
resource "azurerm_role_assignment" "owner_guid" {
  scope              = "/subscriptions/${var.fail_subscription_id}"
  role_definition_id = "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635" # expect: TF-009
  principal_id       = "11111111-1111-1111-1111-111111111111"
}

data "azurerm_role_definition" "fail_owner" {
  name = "Owner"
}

resource "azurerm_role_assignment" "owner_management_group" {
  scope              = "/providers/Microsoft.Management/managementGroups/platform"
  role_definition_id = data.azurerm_role_definition.fail_owner.id # expect: TF-009
  principal_id       = "11111111-1111-1111-1111-111111111111"
}

# Dynamic permissions over a literal list.
resource "azurerm_role_definition" "dynamic_everything" {
  name  = "dynamic-everything"
  scope = data.azurerm_subscription.fail_primary.id

  dynamic "permissions" {
    for_each = [["*"]]
    content {
      actions = permissions.value # expect: TF-009
    }
  }
}
