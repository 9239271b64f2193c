# expect-next: DOCKER-003
from golang as build
run go build ./...

FROM debian:12-slim
# expect-next: DOCKER-003
COPY --from=alpine /etc/ssl/certs /etc/ssl/certs
COPY --from=build /out/app /app
# expect-next: DOCKER-003
RUN --mount=from=python,target=/py ls /py
