# md5 and sha1 are broken: they do not count as verification.
FROM debian:12.5-slim
# expect-next: DOCKER-012
RUN echo "d41d8cd98f00b204e9800998ecf8427e  /tmp/x" | md5sum -c - && curl -fsSL https://get.example.com/x | sh
