# expect-next: DOCKER-020
FROM golang:1.22 AS 1st-build
# expect-next: DOCKER-020
FROM golang:1.22 AS build@v2
FROM alpine:3.20
