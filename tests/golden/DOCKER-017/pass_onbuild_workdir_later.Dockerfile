# A trigger runs after the whole stage, so the WORKDIR below is set when it copies.
FROM node:20.11-alpine
ONBUILD COPY package.json ./
ONBUILD ADD vendor.tar.gz vendor/
WORKDIR /app
