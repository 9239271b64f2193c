# expect-unknown: DOCKER-001
ARG BASE
FROM ${BASE}
CMD ["app"]
