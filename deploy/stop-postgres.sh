#!/usr/bin/env bash
# Stops the server started by deploy/start-postgres.sh. Keeps its data; delete DATA_DIR to start afresh.
#
#   deploy/stop-postgres.sh [DATA_DIR]      default: ./.pgdata
set -euo pipefail

data_dir=${1:-./.pgdata}
if [ ! -f "$data_dir/PG_VERSION" ]; then
  echo "stop-postgres: no PostgreSQL data directory at $data_dir" >&2
  exit 1
fi

bin_dir=""
if command -v pg_ctl >/dev/null; then
  bin_dir=$(dirname "$(command -v pg_ctl)")
else
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/pg_ctl" ]; then bin_dir=$d; break; fi
  done
fi
[ -n "$bin_dir" ] || { echo "stop-postgres: pg_ctl not found" >&2; exit 1; }

as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi

if "${as_pg[@]}" "$bin_dir/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
  "${as_pg[@]}" "$bin_dir/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null
  echo "PostgreSQL stopped (data kept in $data_dir)."
else
  echo "PostgreSQL is not running on $data_dir."
fi
