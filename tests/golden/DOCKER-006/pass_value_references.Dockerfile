FROM python:3.12-slim
# References, placeholders, public material and credential-free URLs are not secrets.
ENV DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app
ENV MIRROR=https://pypi.org/simple PROXY=http://user@proxy.internal:3128
ENV EXAMPLE_KEY=AKIAIOSFODNN7EXAMPLE
ENV IMAGE=python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ENV MASKED=https://user:****@example.com/
ENV GIT_COMMIT=0123456789abcdef0123456789abcdef01234567
