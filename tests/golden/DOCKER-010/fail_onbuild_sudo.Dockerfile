# An ONBUILD trigger runs in every build FROM this image: its sudo is judged like any RUN's.
FROM node:20.11-alpine
# expect-next: DOCKER-010
ONBUILD RUN sudo npm ci
USER node
