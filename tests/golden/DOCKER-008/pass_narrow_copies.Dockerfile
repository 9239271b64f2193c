FROM node:20.11-alpine AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY src/ ./src/
RUN npm ci && npm run build

FROM node:20.11-alpine
# From a stage, not from the build context.
COPY --from=build /src/dist .
COPY --from=build . /app/
# A heredoc is file content, not a path.
COPY <<EOF /app/.
hello
EOF
# ONBUILD runs in a child build, against the child's context and .dockerignore.
ONBUILD COPY . /app
CMD ["node", "/app/server.js"]
