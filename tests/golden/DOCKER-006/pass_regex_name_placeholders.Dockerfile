FROM postgres:16.2
# Placeholders in names that merely look secret-ish are not findings.
ENV APP_API_TOKEN="" \
    SERVICE_PASSWORD=changeme \
    UPSTREAM_SECRET=<set-at-runtime>
