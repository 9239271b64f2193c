retention_days = 1
