# Supported at the table date, but not on the date the user asks about.
# expect-next: DOCKER-023
FROM node:22.11-bookworm-slim
CMD ["node", "server.js"]
