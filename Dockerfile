FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never \
    PATH="/opt/venv/bin:$PATH"
RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN DJANGO_ENV=local python manage.py collectstatic --noinput
RUN useradd --system --home /app ecopole && mkdir -p /app/var && chown -R ecopole /app/var
USER ecopole
EXPOSE 8000
CMD ["gunicorn", "ecopole.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
