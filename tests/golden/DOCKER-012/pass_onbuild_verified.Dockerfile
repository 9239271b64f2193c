FROM debian:12.5-slim
ONBUILD RUN curl -fsSLo /tmp/install.sh https://get.example.com/install-2.3.1.sh \
 && echo "3f5a1e0c2b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f  /tmp/install.sh" \
    | sha256sum -c - \
 && sh /tmp/install.sh
ONBUILD ADD --checksum=sha256:8d2f6a4b0c9e7d5f3a1b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f \
    https://downloads.example.com/tool-1.4.2.tar.gz /opt/
