FROM alpine:3.20
ARG APP_UID=10001
RUN adduser -D -u "${APP_UID}" app
USER ${APP_UID}
CMD ["sleep", "infinity"]
