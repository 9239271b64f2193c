provider "google" {
  project = "acme-prod"
}
