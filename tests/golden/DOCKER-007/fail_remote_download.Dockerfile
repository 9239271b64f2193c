FROM alpine:3.19
# The file lands in a layer whether it came from the context or a URL.
# expect-next: DOCKER-007
ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 https://files.example.com/deploy/id_ed25519?raw=1 /root/.ssh/
ADD https://files.example.com/tools/tool.tar.gz /opt/
ADD git@github.com:example/config.git#v1.2.3 /opt/config
