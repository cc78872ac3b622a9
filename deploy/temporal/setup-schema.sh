#!/bin/sh
# One-shot, idempotent: creates Temporal's two databases on the shared PostgreSQL and brings their
# schemas up to the version shipped in this admin-tools image. Safe to run on every `docker compose up`.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
port="${DB_PORT:-5432}"
sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"; }

for db in temporal temporal_visibility; do
  # create-database fails when the database exists, which is the normal case after the first start.
  sql --db "$db" create-database 2>/dev/null || echo "database $db already exists"
done
sql --db temporal setup-schema -v 0.0
sql --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
sql --db temporal_visibility setup-schema -v 0.0
sql --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "Temporal schemas are up to date"
