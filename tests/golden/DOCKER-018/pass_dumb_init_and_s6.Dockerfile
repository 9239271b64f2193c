FROM python:3.12-slim AS dumb
ENTRYPOINT ["dumb-init", "--"]
CMD python -m app

FROM alpine:3.20
# s6-overlay's /init supervises the services.
ENTRYPOINT ["/init"]
CMD /usr/local/bin/start-app
