FROM python:3.12-slim
ARG CONFIG_FILE
# docker.build_args gives CONFIG_FILE the value .env.local
# expect-next: DOCKER-007
COPY $CONFIG_FILE /etc/app/config
