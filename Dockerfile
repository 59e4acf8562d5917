FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SOCIALCRM_VAR_DIR=/var/lib/socialcrm
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . && mkdir -p /var/lib/socialcrm && useradd --system socialcrm \
    && chown socialcrm /var/lib/socialcrm
USER socialcrm
EXPOSE 8000
