FROM python:3.12-slim
# Names that do not look secret, values in well-known credential formats.
# expect-next: DOCKER-006
ENV UPSTREAM=https://deploy:Xk9fQ2mLp7@git.example.com/app.git
# expect-next: DOCKER-006
ARG BOOTSTRAP=AKIAZ7QXEXAMPLEKEY23
# expect-next: DOCKER-006
ENV GH=ghp_0123456789abcdefghijABCDEFGHIJ012345 MODE=prod
# expect-next: DOCKER-006
ENV HOOK="https://hooks.slack.com/services/T0000AAAA/B0000BBBB/abcdefghijklmnopqrstuvwx"
