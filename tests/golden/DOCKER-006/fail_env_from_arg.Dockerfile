FROM node:20.11-alpine
ARG T
# expect-next: DOCKER-006
ENV GITHUB_TOKEN=$T
