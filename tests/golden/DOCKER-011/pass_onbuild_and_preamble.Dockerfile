# A global ARG is visible only to FROM lines (and never to an ONBUILD trigger, which
# runs in someone else's build); the trigger itself keeps certificate checks on.
ARG NODE_TLS_REJECT_UNAUTHORIZED=0
FROM node:20.11-alpine
ONBUILD RUN curl -fsS https://downloads.example.com/x -o /x
RUN npm ci --omit=dev
