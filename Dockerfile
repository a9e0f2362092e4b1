# Production image: the portal under gunicorn; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    STATIC_ROOT=/app/.data/staticfiles \
    MEDIA_ROOT=/app/.data/media

WORKDIR /app
COPY pyproject.toml README.md ./
COPY cocreation ./cocreation
COPY quests ./quests
COPY spaces ./spaces
COPY studygroups ./studygroups
RUN pip install .
COPY . .

# Catalogues and static files are built into the image; no CDN, WhiteNoise serves them.
RUN python -m cocreation.launcher compile-messages \
    && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && useradd --create-home --uid 1000 portal \
    && mkdir -p /app/.data/media /app/beat \
    && chown -R portal /app/.data /app/beat

USER portal
EXPOSE 8000
CMD ["gunicorn", "cocreation.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
