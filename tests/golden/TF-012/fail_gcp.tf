resource "google_secret_manager_secret" "never" { # expect: TF-012
  secret_id = "api-token"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret" "yearly" {
  secret_id = "yearly"
  replication {
    auto {}
  }
  topics {
    name = google_pubsub_topic.rotation.id
  }
  rotation {
    rotation_period    = "31536000s" # expect: TF-012
    next_rotation_time = "2030-01-01T00:00:00Z"
  }
}

resource "google_secret_manager_secret" "no_topics" { # expect: TF-012
  secret_id = "no-topics"
  replication {
    auto {}
  }
  rotation {
    rotation_period    = "2592000s"
    next_rotation_time = "2030-01-01T00:00:00Z"
  }
}
