# syntax=docker.io/docker/dockerfile@sha256:06ef933a552057e0b6825a2de66c5d0bc710f8a91cdda854ab3884fe95378a4a
FROM alpine:3.20
