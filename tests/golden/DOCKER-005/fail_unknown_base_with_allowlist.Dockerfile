# expect-unknown: DOCKER-005
ARG BASE
FROM $BASE
