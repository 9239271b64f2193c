admin_password = "tfv4rs-Adm1n-P4ss"
