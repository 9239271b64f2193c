FROM node:20.11-alpine
# expect-next: DOCKER-019
ENTRYPOINT ["node"]
# expect-next: DOCKER-019
HEALTHCHECK NONE
# expect-next: DOCKER-019
CMD node server.js
ENTRYPOINT ["/sbin/tini", "--", "node"]
HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:3000/health || exit 1
CMD ["server.js"]
