FROM ubuntu:24.04 AS runtime
CMD ["/app/server"]

FROM runtime AS debug
RUN apt-get update && apt-get install -y openssh-server
EXPOSE 22
