FROM node:20.11-alpine
ENTRYPOINT ["/sbin/tini", "--"]
HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:3000/health || exit 1
CMD ["node", "server.js"]
