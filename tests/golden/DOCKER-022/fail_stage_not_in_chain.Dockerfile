# SHELL is inherited through FROM <stage> only; a sibling stage starts over.
FROM debian:12.5-slim AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN ls /opt | wc -l

FROM debian:12.5-slim AS other
# expect-next: DOCKER-022
RUN ls /opt | wc -l
