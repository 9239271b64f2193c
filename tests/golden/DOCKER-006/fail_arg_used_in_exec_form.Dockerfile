FROM alpine:3.20
# expect-next: DOCKER-006
ARG DEPLOY_TOKEN
RUN ["sh", "-c", "wget --header=\"Authorization: Bearer $DEPLOY_TOKEN\" https://example.com/x"]
