# syntax=docker/dockerfile:1.7
FROM debian:12.5-slim
RUN set -o pipefail && curl -fsSL https://downloads.example.com/a.tgz | tar -xz -C /opt
RUN set -euo pipefail; ls /opt | wc -l
RUN set -Eeuxo pipefail && ls /opt | wc -l
RUN set -eo pipefail \
 && ls /opt | wc -l
RUN <<EOF
set -euo pipefail
curl -fsSL https://downloads.example.com/b.tgz | tar -xz -C /opt
EOF
RUN bash -euo pipefail <<'EOF'
ls /opt | sort
EOF
RUN ["/bin/bash", "-o", "pipefail", "-c", "ls /opt | wc -l"]
RUN sh -c "set -o pipefail; ls /srv | wc -l"
