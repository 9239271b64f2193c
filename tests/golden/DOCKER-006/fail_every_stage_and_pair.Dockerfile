FROM golang:1.22 AS build
# expect-next: DOCKER-006
ENV CGO_ENABLED=0 CLIENT_SECRET=f00b4r-b4z-qux-1234 GOFLAGS=-mod=vendor
RUN go build ./...

FROM gcr.io/distroless/static-debian12:nonroot
# expect-next: DOCKER-006
ENV PRIVATE_KEY="-----BEGIN KEY----- abcdef" \
    JWT_SECRET=another-literal-value
COPY --from=build /app /app
