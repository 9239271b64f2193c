FROM node:20.11-alpine
WORKDIR /app
# The layer that COPY wrote keeps the file after RUN rm.
# expect-next: DOCKER-007
COPY .npmrc ./
RUN npm ci --omit=dev && rm -f .npmrc
