FROM python:3.12-slim
# The shell is PID 1 only until the exec; redirections are fine.
CMD cd /app && ./migrate.sh; exec python -m app 2>&1
