resource "google_secret_manager_secret" "rotated" {
  secret_id = "api-token"
  replication {
    auto {}
  }
  topics {
    name = google_pubsub_topic.rotation.id
  }
  rotation {
    rotation_period    = "2592000s"
    next_rotation_time = "2030-01-01T00:00:00Z"
  }
}

resource "google_secret_manager_regional_secret" "rotated" {
  secret_id = "regional"
  location  = "europe-west1"
  topics {
    name = google_pubsub_topic.rotation.id
  }
  rotation {
    rotation_period    = "7776000s"
    next_rotation_time = "2030-01-01T00:00:00Z"
  }
}
