FROM node:20.11-alpine
# exec inside a pipeline runs in a subshell: the shell stays PID 1.
# expect-next: DOCKER-018
CMD exec node server.js | tee /var/log/app.log
