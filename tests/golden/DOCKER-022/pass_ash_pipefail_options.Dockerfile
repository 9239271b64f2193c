FROM alpine:3.20
SHELL ["/bin/ash", "-euxo", "pipefail", "-c"]
RUN wget -qO- https://downloads.example.com/tool.tgz | tar -xz -C /opt
