FROM alpine:3.20 AS base
CMD ["/usr/sbin/sshd", "-D"]

# An ENTRYPOINT resets the CMD inherited from the stage it is built FROM.
FROM base
ENTRYPOINT ["/app/server"]
