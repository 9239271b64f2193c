FROM debian:12
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    https://github.com/acme/tool/releases/download/v1.4.0/tool.tar.gz /opt/
ARG TOOL_SHA256=sha256:2cc8c9d0f8a4b61f49444beca11a31db664d8816ae5a7932accfaab779328543
ARG VERSION
ADD --checksum=${TOOL_SHA256} https://dl.example.com/cli/${VERSION}/cli /usr/local/bin/cli
