FROM alpine:3.20
ARG MIRROR=http://mirror.example.com
# expect-next: DOCKER-012
ADD http://downloads.example.com/tool-1.4.2.tar.gz /opt/
# expect-next: DOCKER-012
ADD ${MIRROR}/data/geo.tar.gz /data/
# expect-next: DOCKER-012
ADD ["http://downloads.example.com/a b.txt", "/opt/a.txt"]
ADD --checksum=sha256:8d2f6a4b0c9e7d5f3a1b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f https://downloads.example.com/ok.tgz /opt/
