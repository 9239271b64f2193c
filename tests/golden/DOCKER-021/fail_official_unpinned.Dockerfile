# syntax=docker/dockerfile:1.7  # expect: DOCKER-021
# Allowed, but a tag can be re-pushed: low for this finding.
FROM alpine:3.20
