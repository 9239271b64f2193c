"""Built-in github_actions policies, one module each."""
