resource "google_sql_database_instance" "orders" {
  name             = "orders"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-custom-2-7680"
  }
  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key" "data" {
  name     = "data"
  key_ring = "projects/p/locations/europe/keyRings/main"
  lifecycle {
    prevent_destroy = true
  }
}

resource "azurerm_key_vault" "main" {
  name                     = "acme-kv"
  resource_group_name      = "rg"
  location                 = "westeurope"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "standard"
  purge_protection_enabled = true
  lifecycle {
    prevent_destroy = true
  }
}
