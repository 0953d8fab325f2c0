# Parley node image: `parley serve` (the default), `parley db upgrade`, `parley user add …`.
#   docker build -t parley .
# The build stage installs the package into a virtualenv; its build hook fetches the desktop's
# npm files (emoji data, charts), so node and npm are needed there and nowhere else. The S3
# storage backend is included (PARLEY_STORAGE_BACKEND=s3).
FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md hatch_build.py package.json package-lock.json ./
COPY src ./src
RUN python -m venv /opt/parley \
 && /opt/parley/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/parley/bin/pip install --no-cache-dir '.[s3]'

FROM python:3.11-slim-bookworm
# libmagic decides attachment types from their bytes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmagic1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/parley --create-home parley
COPY --from=build /opt/parley /opt/parley
ENV PATH=/opt/parley/bin:$PATH \
    PARLEY_HOST=0.0.0.0 \
    PARLEY_PORT=8000 \
    PARLEY_DATA_DIR=/var/lib/parley
USER parley
WORKDIR /var/lib/parley
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["parley", "serve"]
