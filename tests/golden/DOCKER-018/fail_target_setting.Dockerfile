FROM python:3.12-slim AS runtime
# expect-next: DOCKER-018
CMD gunicorn app:wsgi

FROM runtime AS debug
CMD ["python", "-m", "pdb", "app.py"]
