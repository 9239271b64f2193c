FROM node:20.11-alpine
RUN apk add --no-cache tini
# tini is PID 1: it forwards SIGTERM and reaps zombies, so the shell below it is harmless.
ENTRYPOINT ["/sbin/tini", "--"]
CMD node server.js
