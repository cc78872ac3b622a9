#!/bin/sh
# One-shot, idempotent: creates Temporal's two databases on the shared PostgreSQL and brings their
# schemas up to the version embedded in temporal-sql-tool (same release as the server). Safe to run on every
# `docker compose up`, and outside the admin-tools image with TEMPORAL_SQL_TOOL set to the tool's path.
# Any failure (wrong password, host unreachable, no right to create a database) stops it with the tool's error.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
port="${DB_PORT:-5432}"
tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
sql() { "$tool" --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"; }

# SKIP_DB_CREATE=true when a DBA made both databases and this user may not create one.
if [ "${SKIP_DB_CREATE:-false}" != true ]; then
  for db in temporal temporal_visibility; do
    # Succeeds when the database already exists (the tool takes PostgreSQL's "already exists" as done).
    sql --db "$db" create-database
  done
fi
sql --db temporal setup-schema -v 0.0
sql --db temporal update-schema --schema-name postgresql/v12/temporal
sql --db temporal_visibility setup-schema -v 0.0
sql --db temporal_visibility update-schema --schema-name postgresql/v12/visibility
echo "Temporal schemas are up to date"
