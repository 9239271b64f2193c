# A 30-day maximum makes a 60-day password too long.
resource "azuread_application_password" "sixty_days" {
  application_id    = "00000000-0000-0000-0000-000000000000"
  end_date_relative = "1440h" # expect: TF-010
}
