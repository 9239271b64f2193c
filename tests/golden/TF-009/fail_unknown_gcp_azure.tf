# expect-unknown: TF-009

variable "unknown_gcp_role" {
  type = string
}

resource "google_project_iam_member" "unknown_role" {
  project = "acme-prod"
  role    = var.unknown_gcp_role
  member  = "user:alice@example.com"
}

variable "unknown_gcp_members" {
  type = list(string)
}

resource "google_storage_bucket_iam_binding" "unknown_members" {
  bucket  = "acme-assets"
  role    = "roles/storage.objectViewer"
  members = var.unknown_gcp_members
}

variable "unknown_azure_scope" {
  type = string
}

resource "azurerm_role_assignment" "unknown_scope" {
  scope                = var.unknown_azure_scope
  role_definition_name = "Owner"
  principal_id         = "11111111-1111-1111-1111-111111111111"
}

variable "unknown_azure_role" {
  type = string
}

resource "azurerm_role_assignment" "unknown_role" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = var.unknown_azure_role
  principal_id         = "11111111-1111-1111-1111-111111111111"
}
