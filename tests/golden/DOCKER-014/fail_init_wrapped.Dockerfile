FROM alpine:3.20 AS base
ENTRYPOINT ["/sbin/tini", "--"]

# The CMD runs under the inherited ENTRYPOINT.
FROM base
# expect-next: DOCKER-014
CMD ["dropbear", "-F", "-E", "-p", "2222"]
