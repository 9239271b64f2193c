FROM python:3.12-slim
ENV DB_PASSWORD_FILE=/run/secrets/db_password \
    SECRETS_DIR=/run/secrets \
    API_KEY_PATH=/etc/app/api_key \
    AUTH_TOKEN_URL=https://auth.example.com/oauth/token \
    OAUTH_CLIENT_ID=web-frontend \
    SECRET_ID=projects/acme/secrets/db \
    TOKEN_TTL=3600 \
    PASSWORD_MIN_LENGTH=12 \
    SESSION_TOKEN_TIMEOUT=15m \
    GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json
ARG NPM_TOKEN_FILE=/run/secrets/npm
CMD ["python", "-m", "app"]
