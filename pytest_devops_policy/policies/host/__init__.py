"""HOST policies (catalog §8): live Linux hosts, read-only, through pytest-testinfra."""
