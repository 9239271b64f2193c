ARG PYTHON_IMAGE=python:3.12-slim
# expect-next: DOCKER-004
FROM ${PYTHON_IMAGE}
ARG HELPER=busybox:1.36
# expect-next: DOCKER-004
COPY --from=$HELPER /bin/sh /bin/sh
