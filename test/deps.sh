#!/usr/bin/env bash
# Install what pgpref needs from Debian's packages; a no-op when present.
# Usage: test/deps.sh   (as root, or with sudo available)
set -euo pipefail

PGVER="${PGVER:-}"
if [ -z "$PGVER" ]; then
	if command -v pg_config >/dev/null 2>&1 && pg_config --version >/dev/null 2>&1; then
		PGVER="$(pg_config --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')"
	elif ls /usr/lib/postgresql 2>/dev/null | grep -qE '^[0-9]+$'; then
		PGVER="$(ls /usr/lib/postgresql | sort -n | tail -1)"
	else
		PGVER=15
	fi
fi

PKGS=(
	build-essential
	"postgresql-$PGVER"
	"postgresql-server-dev-$PGVER"
	"postgresql-$PGVER-pgtap"
	"postgresql-$PGVER-cron"
	libtap-parser-sourcehandler-pgtap-perl
	libopenblas-openmp-dev
	python3-numpy
	python3-scipy
	# k-means benchmark peer (test/bench.d/87_kmeans.sh) and the reference script cross-check
	python3-sklearn
	gnuplot-nox
	# BI driver test (test/bi.sh): psqlODBC with pyodbc, pgJDBC with a JDK
	odbc-postgresql
	unixodbc
	python3-pyodbc
	libpostgresql-jdbc-java
	default-jdk-headless
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "deps: all present (PostgreSQL $PGVER)"
	exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Keep Debian's cluster auto-creation out of the way: the harness makes its own.
if [ ! -e /etc/postgresql-common/createcluster.conf ] || ! grep -q '^create_main_cluster = false' /etc/postgresql-common/createcluster.conf 2>/dev/null; then
	$SUDO mkdir -p /etc/postgresql-common
	echo 'create_main_cluster = false' | $SUDO tee -a /etc/postgresql-common/createcluster.conf >/dev/null
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "deps: done"
