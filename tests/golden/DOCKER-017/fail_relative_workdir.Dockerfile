FROM python:3.12-slim
# expect-next: DOCKER-017
WORKDIR app
WORKDIR /srv
# Relative to the previous WORKDIR still depends on it.
# expect-next: DOCKER-017
WORKDIR ./data
# expect-next: DOCKER-017
workdir "logs"
