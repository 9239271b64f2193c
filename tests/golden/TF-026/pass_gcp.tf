resource "google_project_service" "pg_scanning" {
  service = "containerscanning.googleapis.com"
}

resource "google_artifact_registry_repository" "pg_images" {
  location      = "europe-west1"
  repository_id = "pg-images"
  format        = "DOCKER"
  docker_config {
    immutable_tags = true
  }
}

# Not a Docker repository, and a remote (pull-through) repository: N/A.
resource "google_artifact_registry_repository" "pg_python" {
  location      = "europe-west1"
  repository_id = "pg-python"
  format        = "PYTHON"
}

resource "google_artifact_registry_repository" "pg_dockerhub" {
  location      = "europe-west1"
  repository_id = "pg-dockerhub"
  format        = "DOCKER"
  mode          = "REMOTE_REPOSITORY"
}
