FROM node:20.11-alpine
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm run test:smoke
COPY dist/ ./dist/
CMD ["node", "dist/server.js"]
