FROM python:3.12-slim@sha256:46abb03da4c3edcf61b2ae06e4c364b1dca0ab87e51ad67af9a73a9a5e46ea3f
# Triggers run in the child image's build, which DOCKER-004 checks there.
ONBUILD COPY --from=busybox:1.36 /bin/wget /bin/wget
