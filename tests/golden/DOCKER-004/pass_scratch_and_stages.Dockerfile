FROM alpine:3.20@sha256:5107354ea7525365a97517cec0500aac9a874dbff96ffe5456a75e6807d5bddf AS certs
RUN apk add --no-cache ca-certificates

# scratch is not pulled; stages (by name, case-insensitively, or by index) are not images.
FROM scratch
COPY --from=Certs /etc/ssl/certs /etc/ssl/certs
COPY --from=0 /etc/passwd /etc/passwd
FROM certs AS debug
RUN --mount=type=bind,from=certs,target=/c ls /c
