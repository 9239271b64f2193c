FROM debian:12
# expect-next: DOCKER-009
ADD https://github.com/acme/tool/releases/download/v1.4.0/tool-linux-amd64.tar.gz /opt/
ARG VERSION=2.3.1
# A variable in the URL does not matter: without a checksum nothing is verified.
# expect-next: DOCKER-009
ADD --chmod=755 https://dl.example.com/cli/${VERSION}/cli /usr/local/bin/cli
