"""Built-in terraform policies, one module each."""
