FROM alpine:3.20 AS build
# expect-next: DOCKER-013
RUN apk add --no-cache --allow-untrusted /tmp/packages/internal-lib-1.2.0-r0.apk
RUN make -C /src

FROM alpine:3.20
# expect-next: DOCKER-013
RUN apk --allow-untrusted --no-cache add /tmp/agent.apk
COPY --from=build /src/app /usr/local/bin/app
