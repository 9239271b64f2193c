resource "azurerm_mssql_server" "private" {
  name                          = "sql-private"
  resource_group_name           = "rg"
  location                      = "westeurope"
  version                       = "12.0"
  public_network_access_enabled = false
}

# VNet-integrated flexible server: reachable only from the delegated subnet.
resource "azurerm_postgresql_flexible_server" "vnet" {
  name                = "pg-vnet"
  resource_group_name = "rg"
  location            = "westeurope"
  delegated_subnet_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/db"
  private_dns_zone_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/pg.postgres.database.azure.com"
}

resource "azurerm_cosmosdb_account" "private" {
  name                          = "cosmos-private"
  resource_group_name           = "rg"
  location                      = "westeurope"
  offer_type                    = "Standard"
  public_network_access_enabled = false
}

resource "azurerm_mssql_firewall_rule" "office" {
  name             = "office"
  server_id        = azurerm_mssql_server.private.id
  start_ip_address = "203.0.113.0"
  end_ip_address   = "203.0.113.255"
}

resource "azurerm_kubernetes_cluster" "private" {
  name                    = "aks-private"
  location                = "westeurope"
  resource_group_name     = "rg"
  dns_prefix              = "aks-private"
  private_cluster_enabled = true
}

resource "azurerm_kubernetes_cluster" "restricted" {
  name                = "aks-restricted"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks-restricted"
  api_server_access_profile {
    authorized_ip_ranges = ["203.0.113.0/24"]
  }
}

# azurerm v3 spelling.
resource "azurerm_kubernetes_cluster" "restricted_v3" {
  name                            = "aks-restricted-v3"
  location                        = "westeurope"
  resource_group_name             = "rg"
  dns_prefix                      = "aks-restricted-v3"
  api_server_authorized_ip_ranges = ["203.0.113.0/24"]
}
