FROM node:20.11-alpine
# expect-next: DOCKER-017
COPY package.json package-lock.json ./
# expect-next: DOCKER-017
COPY . .
# expect-next: DOCKER-017
ADD vendor.tar.gz vendor/
COPY config.yml /etc/app/config.yml
WORKDIR /app
COPY src/ ./src/
