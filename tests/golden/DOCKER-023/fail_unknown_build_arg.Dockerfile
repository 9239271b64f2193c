# expect-unknown: DOCKER-023
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
CMD ["app"]
