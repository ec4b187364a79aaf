# The database service (`db` in compose.yaml): an SQLite 3 image, unchanged but for /data.
#
# /data is created here owned by the uid/gid the whole stack runs as (the same as the `etl`
# image), so the named volume mounted there starts with that owner: both containers can then
# create and write the database, its -wal and -shm files, without any root step at run time.
ARG SQLITE_IMAGE=keinos/sqlite3:3.46.1
FROM ${SQLITE_IMAGE}
ARG VENTES_UID=10001
ARG VENTES_GID=10001
USER 0:0
RUN mkdir -p /data \
    && chown "${VENTES_UID}:${VENTES_GID}" /data
USER ${VENTES_UID}:${VENTES_GID}
WORKDIR /data
