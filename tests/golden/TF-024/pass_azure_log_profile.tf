# azurerm < 4: the activity log profile keeps what its retention_policy says.
resource "azurerm_monitor_log_profile" "activity" {
  name               = "default"
  categories         = ["Action", "Delete", "Write"]
  locations          = ["westus", "global"]
  storage_account_id = "storage-id"

  retention_policy {
    enabled = true
    days    = 365
  }
}
