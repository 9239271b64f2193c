FROM golang:1.22
# A stage cannot copy from itself.
# expect-next: DOCKER-020
COPY --from=0 /a /a
# expect-next: DOCKER-020
COPY --from=1 /b /b

FROM alpine:3.20
COPY --from=0 /out/app /app
# expect-next: DOCKER-020
COPY --from=1 /c /c
# expect-next: DOCKER-020
COPY --from=7 /d /d
