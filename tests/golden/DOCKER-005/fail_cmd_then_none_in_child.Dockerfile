FROM nginx:1.27 AS base
HEALTHCHECK CMD curl -f http://localhost/ || exit 1

FROM base
# The last HEALTHCHECK in the chain wins.
# expect-next: DOCKER-005
HEALTHCHECK NONE
