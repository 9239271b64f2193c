# "lts" moves to the newest LTS line: no single release to look up.
# expect-unknown: DOCKER-023
FROM node:lts-alpine
CMD ["node", "server.js"]
