FROM python:3.12-alpine
COPY requirements.txt .
# The compiler is removed in the same RUN, so it never reaches a layer.
RUN apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev \
 && pip install --no-cache-dir -r requirements.txt \
 && apk del .build-deps
CMD ["python", "-m", "app"]
