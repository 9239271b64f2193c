# A builder stage with sshd is not shipped: only COPY --from reaches the final stage.
FROM ubuntu:24.04 AS test-env
RUN apt-get update && apt-get install -y openssh-server
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]

FROM ubuntu:24.04
COPY --from=test-env /etc/os-release /tmp/os-release
CMD ["/app/server"]
