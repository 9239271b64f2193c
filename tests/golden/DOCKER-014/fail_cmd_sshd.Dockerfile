FROM alpine:3.20
# expect-next: DOCKER-014
CMD ["/usr/sbin/sshd", "-D", "-e"]
