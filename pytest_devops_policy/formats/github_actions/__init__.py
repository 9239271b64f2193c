"""github_actions"""
