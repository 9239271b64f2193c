# Tag plus digest (the digest wins), digest only, and a private registry with a port.
FROM golang:1.22@sha256:54f4c6b6e931c43108524078a23491adcab8f475943038b3054ec70372189e44 AS build
RUN go build -o /out/app ./cmd/app

FROM localhost:5000/team/base@sha256:06ef933a552057e0b6825a2de66c5d0bc710f8a91cdda854ab3884fe95378a4a AS base

FROM gcr.io/distroless/static-debian12:nonroot@sha256:e809f7d68b2369bbf07e556c48f8f5e15d14cdfe7d8d64809d996f61c7dc05c0
COPY --from=build /out/app /app
COPY --from=busybox:1.36@sha256:512217921df746e7066a3516e5d372c1cff4a69d99f698126210739e15820cd4 /bin/wget /wget
RUN --mount=type=bind,from=python@sha256:094e5e7a4cb7d9e7252bb0e9d7eb39faa9b4734bfebdfa54226ddfebf14679f5,target=/py \
    true
ENTRYPOINT ["/app"]
