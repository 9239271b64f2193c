# The ECR Public mirror of the Docker Hub image is the same image; the patch version
# belongs to the 3.8 cycle.
# expect-next: DOCKER-023
FROM public.ecr.aws/docker/library/python:3.8.10
COPY app.py /app.py
CMD ["python", "/app.py"]
