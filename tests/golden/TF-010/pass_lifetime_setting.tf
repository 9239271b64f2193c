# A one-year maximum allows a 180-day password.
resource "azuread_application_password" "half_year" {
  application_id    = "00000000-0000-0000-0000-000000000000"
  end_date_relative = "4320h"
}
