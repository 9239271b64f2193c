FROM debian:12.5-slim AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://downloads.example.com/tool-1.4.2.tgz | tar -xz -C /opt

FROM base AS runtime
RUN ls /opt | wc -l
