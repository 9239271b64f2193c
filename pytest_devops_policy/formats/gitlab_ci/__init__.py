"""GitLab CI: the pipeline parser (catalog §4.1)."""
