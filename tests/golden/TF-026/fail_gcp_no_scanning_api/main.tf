resource "google_artifact_registry_repository" "images" { # expect: TF-026
  location      = "europe-west1"
  repository_id = "images"
  format        = "DOCKER"
  docker_config {
    immutable_tags = true
  }
}
