FROM node:20.11-alpine
WORKDIR /app
COPY package.json package-lock.json yarn.lock pnpm-lock.yaml ./
RUN npm ci --omit=dev && npm install --production --no-audit
RUN npm ci --only=production
RUN yarn install --production --frozen-lockfile && pnpm install --prod --frozen-lockfile
RUN NODE_ENV=production npm ci
RUN npm ci && npm prune --omit=dev
# Global tools and named packages are not the project's devDependencies; curl is fine.
RUN npm install -g pm2@5.3.1 && npm install left-pad@1.3.0 && curl -fsS https://example.com/
