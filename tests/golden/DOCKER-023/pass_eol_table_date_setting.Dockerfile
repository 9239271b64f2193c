# Python 3.10 ended on 2026-10-31; on the date asked about it was still supported.
FROM python:3.10-slim-bookworm
CMD ["python", "-m", "app"]
