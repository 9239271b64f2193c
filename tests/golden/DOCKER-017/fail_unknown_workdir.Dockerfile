FROM python:3.12-slim
# HOME comes from the base image: whether the path is absolute cannot be told here.
# expect-unknown: DOCKER-017
WORKDIR $HOME/app
