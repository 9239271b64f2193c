FROM python:3.12-slim
# Names that do not look secret, values in well-known credential formats.
# expect-next: DOCKER-006
ENV UPSTREAM=https://deploy:Xk9fQ2mLp7@git.example.com/app.git
# expect-next: DOCKER-006
ARG BOOTSTRAP=AKIA2IBYYURL7B6KJ6HB
# expect-next: DOCKER-006
ENV GH=ghp_RwMzzuVtYkwMJFrCfZ4U2EqkNk6sEr6f4gUy MODE=prod
# expect-next: DOCKER-006
ENV HOOK="https://hooks.slack.com/services/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"
