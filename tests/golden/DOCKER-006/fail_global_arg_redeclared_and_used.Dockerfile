ARG GITHUB_TOKEN
FROM golang:1.22
# expect-next: DOCKER-006
ARG GITHUB_TOKEN
RUN git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/"
