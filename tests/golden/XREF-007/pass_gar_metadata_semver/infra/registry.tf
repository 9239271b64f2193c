resource "google_artifact_registry_repository" "images" {
  project       = "acme-prod"
  location      = "us"
  repository_id = "images"
  format        = "DOCKER"

  docker_config {
    immutable_tags = true
  }
}
