# FitLake in one image: the pipeline on the embedded engine (Sail), the Gold API and the studio dashboard.
# compose.yaml runs the pipeline once, then the API and the dashboard, against one lakehouse volume.
FROM python:3.11-slim-bookworm

# No .pyc files in the image's layers; logs unbuffered, as a container's should be.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    FITLAKE_HOME=/lakehouse

WORKDIR /app
COPY pyproject.toml README.md ./
COPY fitlake ./fitlake
COPY bronze ./bronze
COPY silver ./silver
COPY gold ./gold
COPY ops ./ops
COPY data_gen ./data_gen
COPY workflows ./workflows
RUN pip install --no-cache-dir ".[local]"

# Not root: the lakehouse holds personal data (silver.member_pii) and its keys (<home>/_secrets/).
RUN useradd --create-home --uid 10001 fitlake && mkdir -p /lakehouse && chown fitlake /lakehouse
USER fitlake
VOLUME ["/lakehouse"]
EXPOSE 8000 8501

ENTRYPOINT ["fitlake"]
CMD ["--help"]
