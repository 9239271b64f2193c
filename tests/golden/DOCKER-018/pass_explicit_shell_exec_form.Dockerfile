FROM python:3.12-slim
# An explicit shell in exec form is a deliberate choice and is not flagged.
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["exec python -m app"]
