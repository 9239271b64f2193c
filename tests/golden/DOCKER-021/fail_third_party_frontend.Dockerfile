# syntax=ghcr.io/acme/dockerfile-frontend:2@sha256:512217921df746e7066a3516e5d372c1cff4a69d99f698126210739e15820cd4  # expect: DOCKER-021
# A directive must be the first line, so the annotation shares its line (BuildKit reads
# only the first word as the frontend image). Pinned, but not Docker's frontend and not
# on docker.allowed_frontends.
FROM alpine:3.20
