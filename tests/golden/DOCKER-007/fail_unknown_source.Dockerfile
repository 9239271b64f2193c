# expect-unknown: DOCKER-007
FROM python:3.12-slim
ARG CONFIG_FILE
COPY $CONFIG_FILE /etc/app/config
