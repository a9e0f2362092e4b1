# Production image: the portal under gunicorn; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

# pg_dump and pg_restore for `manage.py backup` / `restore`, of the major version of the
# server in docker-compose.yml (postgres:16). Debian bookworm ships 15, so they come from
# the PostgreSQL project's own Debian repository (apt.postgresql.org).
ARG POSTGRES_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-${POSTGRES_MAJOR} \
    && apt-get purge -y curl \
    && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    STATIC_ROOT=/app/.data/staticfiles \
    MEDIA_ROOT=/app/.data/media \
    PRIVATE_ROOT=/app/.data/private

WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY cocreation ./cocreation
COPY quests ./quests
COPY spaces ./spaces
COPY studygroups ./studygroups
COPY portal ./portal
COPY demo ./demo
RUN pip install .
# .dockerignore keeps .env, .data, .git, .venv and backups out of the image.
COPY . .

# Catalogues and static files are built into the image; no CDN, WhiteNoise serves them.
# The folders that docker-compose.yml mounts volumes on belong to the portal user, so that
# new volumes start writable by it.
RUN python -m config.launcher compile-messages \
    && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && useradd --create-home --uid 1000 portal \
    && mkdir -p /app/.data/media /app/.data/private /app/beat /backups \
    && chown -R portal /app/.data /app/beat /backups

USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
