# FROM only sees *earlier* stages: "runtime" here is a Docker Hub image.
# expect-next: DOCKER-003
FROM runtime AS builder
RUN make

FROM alpine:3.20 AS runtime
