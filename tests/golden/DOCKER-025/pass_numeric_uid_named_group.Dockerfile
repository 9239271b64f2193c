FROM alpine:3.20
# runAsNonRoot only checks the UID.
USER 10001:app
