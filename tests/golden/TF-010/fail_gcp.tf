resource "google_service_account" "ci" {
  account_id = "ci"
}

resource "google_service_account_key" "ci" { # expect: TF-010
  service_account_id = google_service_account.ci.name
}
