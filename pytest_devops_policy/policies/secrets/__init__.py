"""SECRET policies (catalog §6): secrets in any file, masked in every output."""
