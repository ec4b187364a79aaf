# The scripts service (`etl` in compose.yaml): the `ventes` command, stdlib only.
#
#   docker build -t ventes-pme .                     # python:3.11-slim-bookworm from Docker Hub
#   docker build --build-arg PYTHON_IMAGE=... .      # any Python 3.11+ image with venv and pip
#
# Two stages FROM the same image: the first builds the wheel and installs it into a virtual
# environment at /opt/venv, the second copies only that environment. Both stages share the
# interpreter path, so the venv's symlinks resolve whether python lives in /usr/local/bin
# (official images) or /usr/bin (Debian's python3).
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

FROM ${PYTHON_IMAGE}
# Same uid/gid as the `db` service (docker/sqlite.Dockerfile, compose.yaml).
ARG VENTES_UID=10001
ARG VENTES_GID=10001
RUN groupadd --gid "${VENTES_GID}" ventes \
    && useradd --uid "${VENTES_UID}" --gid ventes --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin ventes \
    && mkdir /data \
    && chown ventes:ventes /data
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VENTES_DB=/data/ventes.db
USER ${VENTES_UID}:${VENTES_GID}
WORKDIR /data
ENTRYPOINT ["ventes"]
CMD ["run"]
