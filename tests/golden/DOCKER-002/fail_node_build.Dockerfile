FROM node:20.11-alpine
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# expect-next: DOCKER-002
RUN npm run build && npx tsc -p tsconfig.server.json
CMD ["node", "dist/server.js"]
