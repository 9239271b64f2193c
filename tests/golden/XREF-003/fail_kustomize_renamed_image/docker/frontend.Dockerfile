FROM node:22-alpine
USER nodeuser
CMD ["node", "server.js"]
