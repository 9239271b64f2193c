FROM debian:12.5-slim
# expect-next: DOCKER-013
RUN echo 'APT::Get::AllowUnauthenticated "true";' > /etc/apt/apt.conf.d/99unauth
# expect-next: DOCKER-013
RUN printf 'Acquire::AllowInsecureRepositories "true";\n' > /etc/apt/apt.conf
