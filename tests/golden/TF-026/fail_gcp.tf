resource "google_artifact_registry_repository" "fg_images" { # expect: TF-026
  location      = "europe-west1"
  repository_id = "fg-images"
  format        = "docker"
}

resource "google_artifact_registry_repository" "fg_mutable" {
  location      = "europe-west1"
  repository_id = "fg-mutable"
  format        = "DOCKER"
  docker_config {
    immutable_tags = false # expect: TF-026
  }
}

resource "google_artifact_registry_repository" "fg_no_scanning" {
  location      = "europe-west1"
  repository_id = "fg-no-scanning"
  format        = "DOCKER"
  docker_config {
    immutable_tags = true
  }
  vulnerability_scanning_config {
    enablement_config = "DISABLED" # expect: TF-026
  }
}
