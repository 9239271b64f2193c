# Directives count only at the very top: after this comment it is a plain comment.
# syntax=example/dockerfile:latest
FROM alpine:3.20
RUN echo "--security=insecure --network=host"
