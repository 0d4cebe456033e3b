# popbot's container image: `popbot serve` on port 3000, configured by environment only.
#
#   docker build -t popbot .                 (or: buildah bud -t popbot .)
#   docker run --read-only --tmpfs /tmp -p 3000:3000 -e POPBOT_DATABASE_URL=… popbot
#
# BASE is any Debian 12 (bookworm) image; the default is the public one. CI builds its own
# from Debian's packages (mmdebstrap) and passes it here, with the packages below already in
# it (see deploy/image.sh). Behind a TLS-inspecting proxy, give pip the proxy's CA as the
# build secret `ca` (docker build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt).
ARG BASE=docker.io/library/debian:bookworm-slim

# ---------------------------------------------------------------- build: popbot in a venv
FROM ${BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN dpkg -s python3-venv ca-certificates >/dev/null 2>&1 \
    || (apt-get update && apt-get install -y --no-install-recommends python3-venv ca-certificates \
        && rm -rf /var/lib/apt/lists/*)
COPY pyproject.toml README.md /src/
COPY bot /src/bot
COPY adapters /src/adapters
COPY storage /src/storage
COPY dialogs /src/dialogs
RUN --mount=type=secret,id=ca \
    if [ -f /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi; \
    python3 -m venv /opt/popbot \
    && /opt/popbot/bin/pip install /src \
    && /opt/popbot/bin/python -m compileall -q /opt/popbot/lib

# ---------------------------------------------------------------- runtime
FROM ${BASE}
# Python, the fonts the PDFs are drawn with (DejaVu; Noto for Arabic, Hebrew, Indic, CJK and
# emoji) and Graphviz for the script pages' flow pictures — Debian's packages.
ENV DEBIAN_FRONTEND=noninteractive
RUN dpkg -s python3 ca-certificates fonts-dejavu-core fonts-noto-core fonts-noto-cjk \
        fonts-noto-color-emoji graphviz >/dev/null 2>&1 \
    || (apt-get update && apt-get install -y --no-install-recommends python3 ca-certificates \
        fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji graphviz \
        && rm -rf /var/lib/apt/lists/*)
COPY --from=build /opt/popbot /opt/popbot
# a user of its own, no shell, no home; /data only for the files store (not needed on PostgreSQL)
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin popbot \
    && install -d -o 10001 -g 10001 -m 0700 /data
USER 10001:10001
WORKDIR /data
# no .pyc written at run time (the root file system is read-only); logs unbuffered, as JSON
ENV PATH=/opt/popbot/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    POPBOT_DATA_DIR=/data POPBOT_LOG_FORMAT=json
EXPOSE 3000
# the health check asks port 3000, the default command's: run `serve --port N` and give your
# orchestrator's own probe instead (Kubernetes ignores HEALTHCHECK and uses its probes)
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=2)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["popbot"]
CMD ["serve", "--port", "3000"]
