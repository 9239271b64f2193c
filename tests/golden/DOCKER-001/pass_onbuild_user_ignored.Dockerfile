FROM alpine:3.20
USER 10001
# The trigger runs in child builds, not in this image.
ONBUILD USER root
