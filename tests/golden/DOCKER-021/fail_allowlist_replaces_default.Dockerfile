# syntax=docker/dockerfile:1@sha256:06ef933a552057e0b6825a2de66c5d0bc710f8a91cdda854ab3884fe95378a4a  # expect: DOCKER-021
# docker.allowed_frontends replaces the default list: only the mirror is allowed.
FROM alpine:3.20
