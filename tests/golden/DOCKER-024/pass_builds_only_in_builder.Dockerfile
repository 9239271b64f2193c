FROM node:20.11-alpine AS deps
RUN npm ci

FROM deps AS build
RUN npm run build

# The runtime stage starts again from the runtime image.
FROM node:20.11-alpine
COPY --from=build /app/dist /app/dist
COPY --from=deps /app/node_modules /app/node_modules
