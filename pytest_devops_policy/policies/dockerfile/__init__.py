"""Built-in dockerfile policies, one module each."""
