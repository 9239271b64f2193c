FROM alpine:3.20
# The value comes with --build-arg only: it cannot be told whether it is numeric.
# expect-unknown: DOCKER-025
ARG APP_UID
USER $APP_UID
