FROM python:3.12-slim
# expect-next: DOCKER-006
env api_key=live-3b5c7d9e1f
