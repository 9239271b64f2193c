FROM python:3.12-slim
ARG APP_DIR=app
# expect-next: DOCKER-017
WORKDIR ${APP_DIR}
ENV DATA_DIR=var/data
# expect-next: DOCKER-017
WORKDIR $DATA_DIR/cache
# Relative whatever SUBDIR turns out to be.
ARG SUBDIR
# expect-next: DOCKER-017
WORKDIR srv/${SUBDIR}
