FROM node:20.11-alpine
# expect-next: DOCKER-011
RUN npm config set strict-ssl false
# expect-next: DOCKER-011
RUN yarn config set strict-ssl false && yarn install --frozen-lockfile
# expect-next: DOCKER-011
RUN pnpm config set strict-ssl=false
# expect-next: DOCKER-011
RUN npm ci --strict-ssl=false --omit=dev
# expect-next: DOCKER-011
RUN yarn config set enableStrictSsl false
