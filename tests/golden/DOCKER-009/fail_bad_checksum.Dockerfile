FROM debian:12
# expect-next: DOCKER-009
ADD --checksum=sha256:24454f830cdb571e https://example.com/tool-1.4.tar.gz /opt/
# expect-next: DOCKER-009
ADD --checksum=md5:0cc175b9c0f1b6a831c399e269772661 https://example.com/a.bin /opt/
