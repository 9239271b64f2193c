FROM alpine:3.20
# --unpack=false turns the archive into a plain copy: COPY does that.
# expect-next: DOCKER-009
ADD --unpack=false release.tar.gz /opt/
