FROM alpine/git:2.45.2
# expect-next: DOCKER-011
RUN git config --global http.sslVerify false
# expect-next: DOCKER-011
RUN git -c http.sslVerify=false clone https://git.internal.example/team/app.git /src
# expect-next: DOCKER-011
RUN git clone -c http.sslverify=0 --depth 1 https://git.internal.example/team/lib.git /lib
# expect-next: DOCKER-011
RUN git config --system "http.https://git.internal.example/.sslVerify" no
# expect-next: DOCKER-011
RUN export GIT_SSL_NO_VERIFY=1 && git clone https://git.internal.example/team/x.git
