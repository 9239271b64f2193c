resource "azurerm_network_security_group" "open" {
  name                = "open-nsg"
  location            = "westeurope"
  resource_group_name = "rg-open"

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*" # expect: TF-006
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "rdp-and-postgres"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_ranges    = ["3389", "5432"]
    source_address_prefix      = "Internet" # expect: TF-006
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "anything"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Udp"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefixes    = ["0.0.0.0/0"] # expect: TF-006
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_rule" "mssql" {
  name                        = "mssql"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "1433-1434"
  source_address_prefix       = "Any" # expect: TF-006
  destination_address_prefix  = "*"
  resource_group_name         = "rg-fail"
  network_security_group_name = "nsg-fail-standalone"
}
