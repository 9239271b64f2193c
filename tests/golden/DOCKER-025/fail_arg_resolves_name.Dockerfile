FROM alpine:3.20
ARG APP_USER=worker
# expect-next: DOCKER-025
USER ${APP_USER}
