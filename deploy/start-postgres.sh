#!/usr/bin/env bash
# Starts a local PostgreSQL for durable mode from this machine's binaries (no Docker), listening on
# 127.0.0.1 only, and prints the connection string to export as ConnectionStrings__Postgres.
#
#   deploy/start-postgres.sh [DATA_DIR] [PORT]      defaults: ./.pgdata and 5432 (env PGPORT also works)
#
# The first run initialises DATA_DIR (trust authentication, loopback only: a development server);
# later runs start the same cluster again. Creates the database 'ingestlayer' if missing.
# Stop it with deploy/stop-postgres.sh [DATA_DIR].
set -euo pipefail

data_dir=${1:-./.pgdata}
port=${2:-${PGPORT:-5432}}
mkdir -p "$data_dir"
data_dir=$(cd "$data_dir" && pwd)

# initdb/pg_ctl: on the PATH, else Debian's versioned directory (newest first).
bin_dir=""
if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
  bin_dir=$(dirname "$(command -v initdb)")
else
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then bin_dir=$d; break; fi
  done
fi
if [ -z "$bin_dir" ]; then
  echo "start-postgres: initdb/pg_ctl not found (install PostgreSQL, e.g. apt-get install postgresql)" >&2
  exit 1
fi

# PostgreSQL refuses to run as root: run it as the postgres user, who must own the data directory.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "start-postgres: running as root but there is no 'postgres' user" >&2; exit 1; }
  chown postgres: "$data_dir"
  chmod 700 "$data_dir"
  as_pg=(runuser -u postgres --)
fi

if [ ! -f "$data_dir/PG_VERSION" ]; then
  "${as_pg[@]}" "$bin_dir/initdb" -D "$data_dir" -U postgres -A trust -E UTF8 >/dev/null
fi

if "${as_pg[@]}" "$bin_dir/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
  echo "start-postgres: already running on $data_dir" >&2
  # Report the port it really runs on: the 4th line of postmaster.pid.
  port=$(sed -n 4p "$data_dir/postmaster.pid")
else
  # The socket goes into the data directory, so no /var/run/postgresql is needed.
  "${as_pg[@]}" "$bin_dir/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $data_dir" start >/dev/null \
    || { echo "start-postgres: the server did not start; see $data_dir/server.log" >&2; tail -n 20 "$data_dir/server.log" >&2; exit 1; }
fi

psql_cmd=(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
if command -v psql >/dev/null || [ -x "$bin_dir/psql" ]; then
  command -v psql >/dev/null || psql_cmd[0]="$bin_dir/psql"
  if [ "$("${psql_cmd[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'ingestlayer'")" != "1" ]; then
    "${psql_cmd[@]}" -c "CREATE DATABASE ingestlayer"
  fi
else
  echo "start-postgres: psql not found; create the database 'ingestlayer' yourself" >&2
fi

echo "PostgreSQL is running on 127.0.0.1:$port (data: $data_dir). Use:"
echo "export ConnectionStrings__Postgres='Host=127.0.0.1;Port=$port;Database=ingestlayer;Username=postgres'"
