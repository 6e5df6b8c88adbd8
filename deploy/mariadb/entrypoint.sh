#!/bin/sh
# MariaDB for the dtable cluster. On the first start (an empty /var/lib/mysql) it creates the system
# tables, the database MYSQL_DATABASE and the user MYSQL_USER with MYSQL_PASSWORD, and sets the root
# password to MYSQL_ROOT_PASSWORD, with networking off so that no service connects half-way. Then it
# runs mariadbd as PID 1 with the settings the dev cluster uses (arguments are appended).
set -eu
datadir=/var/lib/mysql
database=${MYSQL_DATABASE:-dtable_db}
user=${MYSQL_USER:-dtable}
: "${MYSQL_PASSWORD:?is empty: set the password of MYSQL_USER (docker-compose.yml: DTABLE_DB_PASSWORD in .env)}"
: "${MYSQL_ROOT_PASSWORD:?is empty: set the root password (docker-compose.yml: DTABLE_DB_ROOT_PASSWORD in .env)}"
for value in "$database" "$user"; do
  case "$value" in *[!A-Za-z0-9_]*|'') echo "mariadb-entrypoint: '$value' must be letters, digits and _" >&2; exit 2 ;; esac
done
for value in "$MYSQL_PASSWORD" "$MYSQL_ROOT_PASSWORD"; do
  case "$value" in *\'*|*\\*) echo "mariadb-entrypoint: passwords must not contain ' or \\" >&2; exit 2 ;; esac
done

if [ ! -d "$datadir/mysql" ]; then
  echo "mariadb-entrypoint: empty $datadir, creating database $database and user $user"
  mariadb-install-db --datadir="$datadir" --skip-test-db --auth-root-authentication-method=normal >/dev/null
  mariadbd --datadir="$datadir" --skip-networking --socket=/run/mysqld/init.sock &
  pid=$!
  tries=0
  until mariadb-admin --socket=/run/mysqld/init.sock -uroot ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 120 ] || { echo "mariadb-entrypoint: the server did not start" >&2; exit 1; }
    sleep 0.5
  done
  mariadb --socket=/run/mysqld/init.sock -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$user'@'%' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON \`$database\`.* TO '$user'@'%';
ALTER USER 'root'@'localhost' IDENTIFIED BY '$MYSQL_ROOT_PASSWORD';
FLUSH PRIVILEGES;
SQL
  kill "$pid"
  wait "$pid" || true
  echo "mariadb-entrypoint: database ready"
fi

exec mariadbd --datadir="$datadir" --bind-address=0.0.0.0 --port=3306 \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
  --max-connections=1000 --max-allowed-packet=256M --innodb-buffer-pool-size=256M \
  --innodb-flush-log-at-trx-commit=1 "$@"
