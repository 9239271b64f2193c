# A global ARG is visible only to FROM lines; ONBUILD runs in someone else's build.
ARG NODE_TLS_REJECT_UNAUTHORIZED=0
FROM node:20.11-alpine
ONBUILD RUN curl -k https://downloads.example.com/x -o /x
RUN npm ci --omit=dev
