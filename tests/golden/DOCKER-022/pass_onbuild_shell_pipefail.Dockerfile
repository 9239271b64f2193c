# A trigger runs with the image's SHELL, set after it here.
FROM debian:12.5-slim
ONBUILD RUN curl -fsSL https://downloads.example.com/tool-1.4.2.tgz | tar -xz -C /opt
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

FROM debian:12.5-slim AS other
ONBUILD RUN set -o pipefail && ls /opt | wc -l
