FROM alpine:3.20
USER 10001
# A trigger sets the user of child images only.
ONBUILD USER app
