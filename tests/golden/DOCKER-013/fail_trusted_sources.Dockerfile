# syntax=docker/dockerfile:1.7
FROM ubuntu:24.04
# expect-next: DOCKER-013
RUN echo "deb [trusted=yes] http://apt.internal.example/ubuntu noble main" > /etc/apt/sources.list.d/internal.list
# expect-next: DOCKER-013
RUN printf 'deb [ arch=amd64 trusted=yes ] %s noble main\n' https://apt.example.com/ubuntu | tee /etc/apt/sources.list.d/example.list
# expect-next: DOCKER-013
RUN cat <<EOF >> /etc/apt/sources.list
deb [allow-insecure=yes] http://apt.example.com/legacy stable main
EOF
# expect-next: DOCKER-013
COPY <<EOF /etc/apt/sources.list.d/internal.sources
Types: deb
URIs: https://apt.internal.example/ubuntu
Suites: noble
Components: main
Trusted: yes
EOF
# expect-next: DOCKER-013
RUN add-apt-repository -y "deb [trusted=yes] https://apt.example.com/ubuntu noble main"
# expect-next: DOCKER-013
RUN sed -i 's/^deb /deb [trusted=yes] /' /etc/apt/sources.list
