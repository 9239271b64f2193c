# set -o pipefail lasts for one RUN only.
FROM debian:12.5-slim
RUN set -o pipefail
# expect-next: DOCKER-022
RUN ls /opt | wc -l
# expect-next: DOCKER-022
RUN ls /opt | wc -l && set -o pipefail
# expect-next: DOCKER-022
RUN set -o pipefail && ls /srv | wc -l && set +o pipefail && ls /opt | wc -l
