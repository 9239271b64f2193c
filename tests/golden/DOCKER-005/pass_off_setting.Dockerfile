# Deployed only to Kubernetes: probes carry the requirement (K8S-012/013).
FROM python:3.12-slim
CMD ["python", "-m", "app"]
