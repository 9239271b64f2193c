ARG BASE=python:3.12-slim
# expect-next: DOCKER-003
FROM $BASE
