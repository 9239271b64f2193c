"""Built-in kubernetes policies, one module each."""
