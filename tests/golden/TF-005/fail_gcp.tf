resource "google_sql_database_instance" "allow_plain" {
  name             = "allow-plain"
  database_version = "POSTGRES_16"
  settings {
    tier = "db-custom-2-7680"
    ip_configuration {
      ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED" # expect: TF-005
    }
  }
}

resource "google_sql_database_instance" "no_ip_configuration" {
  name             = "no-ip-configuration"
  database_version = "MYSQL_8_0"
  settings { # expect: TF-005
    tier = "db-f1-micro"
  }
}

resource "google_sql_database_instance" "legacy_off" {
  name             = "legacy-off"
  database_version = "MYSQL_8_0"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      require_ssl = false # expect: TF-005
    }
  }
}
