# An unresolved reference does not hide a definite finding elsewhere.
ARG BASE
FROM ${BASE} AS a
# expect-next: DOCKER-003
FROM ubuntu AS b
