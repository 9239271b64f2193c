"""GL policies (catalog §4): GitLab CI pipelines and jobs."""
