resource "azurerm_network_security_group" "open" {
  name                = "open-nsg"
  location            = "westeurope"
  resource_group_name = "rg-open"

  security_rule {
    name                       = "any-any"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*" # expect: TF-007
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "tcp-all-ports"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "0-65535"
    source_address_prefix      = "Internet" # expect: TF-007
    destination_address_prefix = "*"
  }

  # Outbound to the internet on every port (medium).
  security_rule {
    name                       = "out-any"
    priority                   = 120
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "Internet" # expect: TF-007
  }
}

resource "azurerm_network_security_rule" "udp_any" {
  name                        = "udp-any"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Udp"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefixes     = ["0.0.0.0/0"] # expect: TF-007
  destination_address_prefix  = "*"
  resource_group_name         = "rg-open"
  network_security_group_name = "standalone-nsg"
}

resource "azurerm_network_security_group" "attribute_list" {
  name                = "attribute-list"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule = [ # expect: TF-007
    {
      name                       = "any"
      priority                   = 100
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "*"
      source_port_range          = "*"
      destination_port_range     = "*"
      source_address_prefix      = "Any"
      destination_address_prefix = "*"
    },
  ]
}
