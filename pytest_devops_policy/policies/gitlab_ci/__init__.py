"""Built-in gitlab_ci policies, one module each."""
