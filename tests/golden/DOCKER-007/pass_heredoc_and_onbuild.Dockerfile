FROM alpine:3.19
# A heredoc's body is file content (SECRET-* scans it); ONBUILD runs in child builds.
COPY <<EOF /app/.env
LOG_LEVEL=info
EOF
ONBUILD COPY .env /app/.env
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
