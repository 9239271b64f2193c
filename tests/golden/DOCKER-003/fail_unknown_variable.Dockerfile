# expect-unknown: DOCKER-003
ARG BASE
FROM ${BASE}
