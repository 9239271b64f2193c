resource "google_sql_database_instance" "pg" {
  database_version = "POSTGRES_15"

  settings {
    tier = "db-custom-2-7680"

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true

      backup_retention_settings {
        retained_backups = 14
      }
    }
  }
}

# MySQL: binary logs give point-in-time recovery; retained_backups defaults to 7.
resource "google_sql_database_instance" "mysql" {
  database_version = "MYSQL_8_0"

  settings {
    tier = "db-n1-standard-2"

    backup_configuration {
      enabled            = true
      binary_log_enabled = true
    }
  }
}

resource "google_sql_database_instance" "mssql" {
  database_version = "SQLSERVER_2019_STANDARD"

  settings {
    tier = "db-custom-2-7680"

    backup_configuration {
      enabled = true
    }
  }
}

# Replicas cannot have backups; the primary carries them: N/A.
resource "google_sql_database_instance" "pg_replica" {
  database_version     = "POSTGRES_15"
  master_instance_name = google_sql_database_instance.pg.name

  settings {
    tier = "db-custom-2-7680"
  }
}
