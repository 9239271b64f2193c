#syntax = example/dockerfile:latest  # expect: DOCKER-021
FROM alpine:3.20
