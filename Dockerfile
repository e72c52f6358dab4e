# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=referral_site.settings.prod

RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 app

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY --chown=app:app . .
# collectstatic needs settings to import, not real secrets: throwaway values here only.
RUN DJANGO_SECRET_KEY=build-only FIELD_ENCRYPTION_KEY=dGVzdC1vbmx5LWtleS10ZXN0LW9ubHkta2V5LXRlc3Q= \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 CACHE_URL=redis://build-only:6379/1 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var /app/media && chown app:app /app/var /app/media

USER app
EXPOSE 8000
# 0.0.0.0 inside the container only: publish the port to the proxy alone, never to
# the world (docs/security.md, "Proxy trust").
CMD ["gunicorn", "referral_site.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--logger-class", "referral_site.access_log.RedactingLogger"]
