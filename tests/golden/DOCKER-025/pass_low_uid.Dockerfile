# Numeric, so Kubernetes can verify runAsNonRoot; a UID under 10000 is only worth a
# warning, which has no outcome of its own (the remediation recommends >= 10000).
FROM node:20.11-alpine
USER 1000:1000
