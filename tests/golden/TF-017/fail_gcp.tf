resource "google_sql_database_instance" "no_backup_block" {
  database_version = "POSTGRES_15"

  settings { # expect: TF-017
    tier = "db-custom-2-7680"
  }
}

resource "google_sql_database_instance" "no_settings" { # expect: TF-017
  database_version = "POSTGRES_15"
}

resource "google_sql_database_instance" "backups_off" {
  database_version = "MYSQL_8_0"

  settings {
    tier = "db-n1-standard-2"

    backup_configuration {
      enabled            = false # expect: TF-017
      binary_log_enabled = true
    }
  }
}

resource "google_sql_database_instance" "pg_no_pitr" {
  database_version = "POSTGRES_14"

  settings {
    tier = "db-custom-2-7680"

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = false # expect: TF-017
    }
  }
}

resource "google_sql_database_instance" "mysql_no_binlog" {
  database_version = "MYSQL_8_0"

  settings {
    tier = "db-n1-standard-2"

    backup_configuration { # expect: TF-017
      enabled = true
    }
  }
}

resource "google_sql_database_instance" "few_backups" {
  database_version = "POSTGRES_15"

  settings {
    tier = "db-custom-2-7680"

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true

      backup_retention_settings {
        retained_backups = 3 # expect: TF-017
      }
    }
  }
}
