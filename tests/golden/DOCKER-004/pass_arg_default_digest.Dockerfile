ARG NODE_IMAGE=node:20.11-alpine@sha256:46abb03da4c3edcf61b2ae06e4c364b1dca0ab87e51ad67af9a73a9a5e46ea3f
ARG NODE_DIGEST=sha256:2cc8c9d0f8a4b61f49444beca11a31db664d8816ae5a7932accfaab779328543
FROM ${NODE_IMAGE} AS build
FROM node:20.11-alpine@${NODE_DIGEST}
COPY --from=build /app /app
