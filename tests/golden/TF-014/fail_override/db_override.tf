# The override file turns the protection off: reported on the resource, naming this file.
resource "aws_db_instance" "db" {
  deletion_protection = false
}
