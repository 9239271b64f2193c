# No .dockerignore next to this file: every whole-context copy fails, in every stage.
FROM golang:1.22.1 AS build
WORKDIR /src
# expect-next: DOCKER-008
COPY ./ ./
# expect-next: DOCKER-008
copy --link . /src/
# expect-next: DOCKER-008
COPY ["." , "/src/"]
# expect-next: DOCKER-008
COPY go.mod go.sum /. /src/
# A `..` cannot leave the context: this is the context root too.
# expect-next: DOCKER-008
COPY .. /src/
# Every top-level entry, dotfiles included (Go's glob matches a leading dot).
# expect-next: DOCKER-008
COPY * /src/
ARG SRC=.
# expect-next: DOCKER-008
COPY ${SRC} /src/
RUN go build -o /app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
# expect-next: DOCKER-008
ADD . /srv/
COPY --from=build /app /app
