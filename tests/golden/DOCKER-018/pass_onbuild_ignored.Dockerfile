FROM node:20.11-alpine
ONBUILD CMD npm start
CMD ["node", "server.js"]
