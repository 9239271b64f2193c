FROM python:3.12-slim
# expect-next: DOCKER-011
RUN pip install --no-cache-dir --trusted-host pypi.internal.example -r requirements.txt
# expect-next: DOCKER-011
RUN python3 -m pip install --trusted-host=files.internal.example internal-lib==1.4.2
# expect-next: DOCKER-011
RUN pip config set global.trusted-host "pypi.internal.example files.internal.example"
# expect-next: DOCKER-011
RUN PIP_TRUSTED_HOST=pypi.internal.example pip install --no-cache-dir app==2.0.1
# expect-next: DOCKER-011
ARG PIP_TRUSTED_HOST=pypi.internal.example
