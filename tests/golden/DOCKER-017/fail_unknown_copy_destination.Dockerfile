FROM python:3.12-slim
# expect-unknown: DOCKER-017
ARG DEST
COPY app.py ${DEST}
