FROM node:20.11-alpine AS web
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
RUN yarn install --frozen-lockfile && yarn --immutable
RUN pnpm install --frozen-lockfile
RUN npm install -g pnpm@9.1.0 @angular/cli@17.3.2

FROM python:3.12-slim
COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir -r requirements.txt \
 && pip install --no-cache-dir --require-hashes -r requirements.lock \
 && pip install --no-cache-dir -c constraints.txt gunicorn \
 && pip install --no-cache-dir --no-index --find-links=/wheels app \
 && pip install --no-cache-dir . \
 && pip install --no-cache-dir -e ./plugins/auth \
 && pip install --no-cache-dir "flask==3.0.2" "uvicorn[standard]==0.29.0"

FROM golang:1.22.2 AS go
RUN go install golang.org/x/tools/gopls@v0.15.3 && go install ./cmd/server

FROM ruby:3.3.1-slim
RUN gem install bundler -v 2.5.9 && gem install rails:7.1.3
