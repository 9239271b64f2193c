ARG IMG=node:latest
ARG BASE=python
# expect-next: DOCKER-003
FROM ${IMG} AS a
# expect-next: DOCKER-003
FROM $BASE AS b
