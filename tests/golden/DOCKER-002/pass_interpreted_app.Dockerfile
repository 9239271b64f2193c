FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN echo "run make build before docker build" > /app/NOTE
CMD ["gunicorn", "app:wsgi"]
