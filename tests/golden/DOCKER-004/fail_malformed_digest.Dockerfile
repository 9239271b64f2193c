# Too short to be a sha256 digest.
# expect-next: DOCKER-004
FROM alpine:3.20@sha256:5107354ea7525365 AS short
# Upper-case hex is refused by the registry client.
# expect-next: DOCKER-004
FROM alpine:3.20@sha256:5107354EA7525365A97517CEC0500AAC9A874DBFF96FFE5456A75E6807D5BDDF AS upper
# expect-next: DOCKER-004
FROM alpine@md5:5107354ea7525365a97517cec0500aac
