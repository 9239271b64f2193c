FROM node:20.11-alpine
WORKDIR /app
COPY package.json package-lock.json yarn.lock ./
# expect-next: DOCKER-016
RUN npm install
# expect-next: DOCKER-016
RUN npm install -g typescript@^5.4 npm@latest
# expect-next: DOCKER-016
RUN yarn install
# expect-next: DOCKER-016
RUN yarn
# expect-next: DOCKER-016
RUN pnpm install
# expect-next: DOCKER-016
RUN yarn global add serve
