# public_network_access_enabled defaults to true.
resource "azurerm_mssql_server" "implicit" { # expect: TF-008
  name                = "sql-implicit"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_postgresql_flexible_server" "public" {
  name                          = "pg-public"
  resource_group_name           = "rg"
  location                      = "westeurope"
  public_network_access_enabled = true # expect: TF-008
}

resource "azurerm_mysql_flexible_server" "implicit" { # expect: TF-008
  name                = "mysql-implicit"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_cosmosdb_account" "public" {
  name                          = "cosmos-public"
  resource_group_name           = "rg"
  location                      = "westeurope"
  offer_type                    = "Standard"
  public_network_access_enabled = true # expect: TF-008
}

# critical: every IPv4 address.
resource "azurerm_mssql_firewall_rule" "everyone" {
  name             = "everyone"
  server_id        = azurerm_mssql_server.implicit.id
  start_ip_address = "0.0.0.0" # expect: TF-008
  end_ip_address   = "255.255.255.255"
}

# medium: 0.0.0.0-0.0.0.0 is "allow Azure services".
resource "azurerm_postgresql_flexible_server_firewall_rule" "azure_services" {
  name             = "azure-services"
  server_id        = azurerm_postgresql_flexible_server.public.id
  start_ip_address = "0.0.0.0" # expect: TF-008
  end_ip_address   = "0.0.0.0"
}

resource "azurerm_kubernetes_cluster" "public_api" { # expect: TF-008
  name                = "aks-public"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
}

resource "azurerm_kubernetes_cluster" "open_ranges" {
  name                = "aks-open"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks-open"
  api_server_access_profile {
    authorized_ip_ranges = ["0.0.0.0/0"] # expect: TF-008
  }
}
