FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# espeak-ng speaks the public announcements (Indonesian voice); opus-tools' opusenc compresses
# them to Ogg/Opus for slow connections (without it the WAV is kept).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext postgresql-client espeak-ng opus-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# The static files, collected under hashed names with gzip and Brotli copies into
# /app/staticfiles, which WhiteNoise serves; with DEBUG off the app needs their manifest.
RUN DJANGO_DEBUG=1 python manage.py compilemessages -v0 \
 && DJANGO_DEBUG=1 python manage.py collectstatic --noinput -v0
# /data/media and /data/signing exist in the image owned by ppid, so the named volumes
# mounted there start out writable by the app (Docker copies the ownership).
RUN useradd --system --uid 1000 ppid && mkdir -p /app/var /data/media /data/signing \
 && chown -R ppid /app/var /data
USER ppid
EXPOSE 8000
CMD ["gunicorn", "ppid.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
