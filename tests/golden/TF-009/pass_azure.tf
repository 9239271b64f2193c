data "azurerm_subscription" "pass_primary" {}

resource "azurerm_resource_group" "pass_app" {
  name     = "app"
  location = "westeurope"
}

resource "azurerm_role_definition" "reader_plus" {
  name  = "reader-plus"
  scope = data.azurerm_subscription.pass_primary.id

  permissions {
    actions = ["Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Compute/*/read"]
  }
}

resource "azurerm_role_assignment" "owner_resource_group" {
  scope                = azurerm_resource_group.pass_app.id
  role_definition_name = "Owner"
  principal_id         = "11111111-1111-1111-1111-111111111111"
}

resource "azurerm_role_assignment" "owner_rg_literal" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/app"
  role_definition_name = "Owner"
  principal_id         = "11111111-1111-1111-1111-111111111111"
}

resource "azurerm_role_assignment" "reader_subscription" {
  scope                = data.azurerm_subscription.pass_primary.id
  role_definition_name = "Reader"
  principal_id         = "11111111-1111-1111-1111-111111111111"
}

resource "azurerm_role_assignment" "custom_subscription" {
  scope              = data.azurerm_subscription.pass_primary.id
  role_definition_id = azurerm_role_definition.reader_plus.role_definition_resource_id
  principal_id       = "11111111-1111-1111-1111-111111111111"
}
