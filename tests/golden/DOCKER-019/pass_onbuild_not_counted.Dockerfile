FROM node:20.11-alpine
# A trigger sets the CMD of child images, not of this one.
ONBUILD CMD ["npm", "start"]
ONBUILD HEALTHCHECK CMD ["node", "health.js"]
CMD ["node", "server.js"]
HEALTHCHECK CMD ["node", "health.js"]
