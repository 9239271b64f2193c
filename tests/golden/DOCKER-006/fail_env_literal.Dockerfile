FROM node:20.11-alpine
# expect-next: DOCKER-006
ENV GITHUB_TOKEN=ghp_1234567890abcdefghijklmnopqrstuvwxyzAB
# expect-next: DOCKER-006
ENV DB_PASSWORD="S3cr3t-P@ssw0rd"
CMD ["node", "server.js"]
