FROM alpine:3.20
# sshd listens on TCP only; these ranges stay clear of 22.
EXPOSE 22/udp 60000-61000/udp 23-25 8000-8080/tcp
