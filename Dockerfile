FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SOCIALCRM_VAR_DIR=/var/lib/socialcrm
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . && mkdir -p /var/lib/socialcrm && useradd --system socialcrm \
    && chown socialcrm /var/lib/socialcrm
USER socialcrm
EXPOSE 8000
# Mail goes out over SMTP: pass EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or EMAIL_USE_SSL, EMAIL_TIMEOUT at run time
# (see docker-compose.yml); the image holds no address or password.
# gunicorn.conf.py bounds the request line, the headers and their number.
CMD ["gunicorn", "socialcrm.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
