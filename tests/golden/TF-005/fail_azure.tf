resource "azurerm_storage_account" "v3_http" {
  name                      = "v3http"
  resource_group_name       = "rg"
  location                  = "westeurope"
  account_tier              = "Standard"
  account_replication_type  = "GRS"
  enable_https_traffic_only = false # expect: TF-005
  min_tls_version           = "TLS1_0" # expect: TF-005
}

# min_tls_version unset and no azurerm pin: older providers defaulted to TLS1_0.
resource "azurerm_storage_account" "unset" { # expect: TF-005
  name                       = "unsettls"
  resource_group_name        = "rg"
  location                   = "westeurope"
  account_tier               = "Standard"
  account_replication_type   = "GRS"
  https_traffic_only_enabled = false # expect: TF-005
}

resource "azurerm_mysql_server" "single" {
  name                             = "single"
  location                         = "westeurope"
  resource_group_name              = "rg"
  sku_name                         = "GP_Gen5_2"
  version                          = "8.0"
  ssl_enforcement_enabled          = false # expect: TF-005
  ssl_minimal_tls_version_enforced = "TLS1_1" # expect: TF-005
}

resource "azurerm_mssql_server" "old_tls" {
  name                = "old-tls"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
  minimum_tls_version = "1.0" # expect: TF-005
}

resource "azurerm_mysql_flexible_server_configuration" "plain" {
  name      = "require_secure_transport"
  server_id = azurerm_mysql_flexible_server.db.id
  value     = "OFF" # expect: TF-005
}

resource "azurerm_redis_cache" "plain" {
  name                = "plain"
  location            = "westeurope"
  resource_group_name = "rg"
  capacity            = 1
  family              = "C"
  sku_name            = "Standard"
  minimum_tls_version = "1.0" # expect: TF-005
  enable_non_ssl_port = true # expect: TF-005
}
