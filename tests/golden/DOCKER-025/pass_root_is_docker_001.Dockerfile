# Running as root is DOCKER-001's finding, not this policy's.
FROM debian:12
USER root
