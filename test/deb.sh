#!/usr/bin/env bash
# The Debian package postgresql-15-pgpref, built with Debian's PostgreSQL
# extension tooling (debian/, pg_buildext, dh --with pgxs_loop).
#
#   bash test/deb.sh build      # make deb: build deps, then build/deb/*.deb
#   bash test/deb.sh ensure     # build only when a source file is newer
#   bash test/deb.sh test       # the "deb" part of test/run.sh (see below)
#
# The package is built from a temporary copy of the work tree (tracked and
# untracked files, not ignored ones: no object files, no build droppings in
# the tree) without the harness's -Werror, with the Makefile's own BLAS link.
#
# test: run by test/run.sh (make test-deb, or the "deb" part of make test)
# against its throwaway cluster, holding the harness lock; prints TAP lines.
# Builds the package when stale, checks its Depends, replaces the files of
# `make install` with the package (apt resolves the runtime dependencies),
# runs test/deb_smoke.sql and an update from 0.1.0 against the packaged
# files, then removes the package and runs `make install` again, so the
# system PostgreSQL holds this tree's `make install` as before.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/build/deb"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# wait for another apt/dpkg run instead of failing at once
APT=($SUDO apt-get -o DPkg::Lock::Timeout=600 -y -q --no-install-recommends)

# the package's version: debian/changelog's first line
deb_version() { sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog; }

# the .deb this tree builds (for this machine's architecture)
deb_path() {
	local arch
	arch="$(dpkg --print-architecture)"
	echo "$OUT/postgresql-15-pgpref_$(deb_version)_$arch.deb"
}

# the files of the work tree that go into the package's source (a tracked
# file deleted in the work tree stays out)
source_files() {
	local f
	if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$ROOT" ls-files -z --cached --others --exclude-standard | grep -zv '^build/' |
			while IFS= read -r -d '' f; do [ -f "$ROOT/$f" ] && printf '%s\0' "$f"; done
	else
		find . -path ./build -prune -o -path ./.git -prune -o -type f \
			! -name '*.o' ! -name '*.so' ! -name '*.bc' -printf '%P\0'
	fi
}

# Install dpkg-dev and debian/control's Build-Depends when any is missing
install_build_deps() {
	local src="$1"
	if command -v dpkg-checkbuilddeps >/dev/null 2>&1 && (cd "$src" && dpkg-checkbuilddeps) >/dev/null 2>&1; then
		return 0
	fi
	log "installing the build dependencies (debian/control)"
	"${APT[@]}" update -qq >&2 || true
	command -v dpkg-checkbuilddeps >/dev/null 2>&1 || "${APT[@]}" install dpkg-dev >&2
	"${APT[@]}" build-dep "$src" >&2
	(cd "$src" && dpkg-checkbuilddeps) >&2 || die "build dependencies still missing"
}

# Build the package in a temporary copy; leave the .deb in build/deb/
build() {
	local src version
	version="$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" pgpref.control)"
	TMP="$(mktemp -d "${TMPDIR:-/tmp}/pgpref-deb.XXXXXX")"
	trap 'rm -rf "$TMP"' EXIT
	src="$TMP/pgpref-$version"
	mkdir -p "$src"
	source_files | (cd "$ROOT" && xargs -0 cp --parents -t "$src")
	install_build_deps "$src"
	mkdir -p "$OUT"
	log "building $(basename "$(deb_path)") in $src"
	# the harness's settings stay out: no -Werror, no outer make's flags
	(cd "$src" && env -u WERROR -u OPTFLAGS -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		dpkg-buildpackage -b -us -uc) >"$OUT/build.log" 2>&1 \
		|| { tail -40 "$OUT/build.log" >&2; die "dpkg-buildpackage failed (log: $OUT/build.log)"; }
	rm -f "$OUT"/*.deb "$OUT"/*.buildinfo "$OUT"/*.changes
	source_list_sum >"$OUT/sources.sum"
	mv "$TMP"/*.deb "$TMP"/*.buildinfo "$TMP"/*.changes "$OUT"/
	test -s "$(deb_path)" || die "no $(deb_path) after the build"
	rm -rf "$TMP"
	trap - EXIT
	log "built $(deb_path)"
	ls -l "$OUT"/*.deb >&2
}

# a checksum of the list of source files (added or deleted files)
source_list_sum() { source_files | sha256sum | cut -d' ' -f1; }

# Build unless the .deb is newer than every source file and was built from
# the same list of files
ensure() {
	local deb newer f
	deb="$(deb_path)"
	if [ -s "$deb" ]; then
		newer=""
		if [ "$(cat "$OUT/sources.sum" 2>/dev/null)" != "$(source_list_sum)" ]; then
			newer="the list of source files"
		fi
		[ -n "$newer" ] || while IFS= read -r -d '' f; do
			if [ "$f" -nt "$deb" ]; then newer="$f changed"; break; fi
		done < <(source_files)
		if [ -z "$newer" ]; then
			log "reusing $deb"
			return 0
		fi
		log "rebuilding $(basename "$deb"): $newer"
	fi
	build
}

PKG=postgresql-15-pgpref
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
# check WHAT COMMAND...: one TAP line; the command's output shown on failure
check() {
	local what="$1" out
	shift
	if out="$("$@" 2>&1)"; then ok "$what"; else notok "$what"; printf '%s\n' "$out" | sed 's/^/# /' | head -40; fi
}

# the pgpref files under the system PostgreSQL's directories
pgpref_files() {
	find "$(pg_config --pkglibdir)" "$(pg_config --sharedir)/extension" \
		\( -name 'pgpref*' -o -path '*/bitcode/pgpref/*' \) ! -type d 2>/dev/null | sort
}
no_pgpref_files() { local f; f="$(pgpref_files)"; [ -z "$f" ] || { echo "$f"; return 1; }; }

# The package names in a Depends-style field, without versions
dep_names() { tr ',|' '\n\n' | sed -E 's/\(.*\)//; s/:any//; s/^ +//; s/ +$//' | grep .; }

# Build and installation tools, none of which a database host needs
FORBIDDEN='^(gcc|g\+\+|cpp|cc|clang|llvm|build-essential|make|dpkg-dev|debhelper|python|gnuplot|libtap|pgtap|postgresql-server-dev|postgresql-[0-9]+-(pgtap|cron)$|lib.*-dev$)'

# Put this tree's `make install` back (and the package out) whatever happened
restore() {
	if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'install ok installed'; then
		"${APT[@]}" remove "$PKG" >/dev/null 2>&1 || $SUDO dpkg -r "$PKG" >/dev/null 2>&1
	fi
	$SUDO make -s WERROR=1 install >/dev/null 2>&1
}

pkg_test() {
	local deb version upstream deps dest smoke
	set +e
	version="$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" pgpref.control)"
	ensure >&2 || { notok "make deb builds the package"; return 1; }
	deb="$(deb_path)"
	ok "make deb builds $(basename "$deb")"
	upstream="$(deb_version)"
	upstream="${upstream%-*}"
	check "package version $(deb_version) carries the control file's $version" test "$upstream" = "$version"
	check "package is $PKG" test "$(dpkg-deb -f "$deb" Package)" = "$PKG"
	deps="$(dpkg-deb -f "$deb" Depends Recommends Pre-Depends | sed -E 's/^[A-Za-z-]+: //' | paste -sd, | dep_names | sort -u)"
	echo "# runtime dependencies: $(printf '%s ' $deps)"
	check "Depends names PostgreSQL 15 and the OpenMP OpenBLAS" \
		eval 'grep -qx postgresql-15 <<<"$deps" && grep -qx libopenblas0-openmp <<<"$deps"'
	check "no compiler, build tool, python, gnuplot, pgTAP or pg_cron among Depends/Recommends" \
		eval '! grep -E "$FORBIDDEN" <<<"$deps"'
	check "pg_cron is only suggested" eval 'dpkg-deb -f "$deb" Suggests | grep -q postgresql-15-cron'
	if command -v lintian >/dev/null 2>&1; then
		check "lintian finds no error in the package" lintian --fail-on error "$deb"
	else
		ok "lintian finds no error in the package # SKIP lintian not installed"
	fi

	trap restore EXIT
	# the package, not a leftover of make install, must provide every file
	$SUDO make -s uninstall >/dev/null 2>&1
	check "make uninstall leaves no pgpref file in the system PostgreSQL" no_pgpref_files
	check "apt-get install ./$(basename "$deb") (apt resolves the runtime dependencies)" \
		"${APT[@]}" install --reinstall "$deb"
	check "the installed files match the package (dpkg --verify)" eval 'out="$(dpkg --verify "$PKG")"; echo "$out"; test -z "$out"'
	# the package ships what make install ships (documentation and lintian
	# overrides aside)
	dest="$(mktemp -d)"
	make -s WERROR=1 install DESTDIR="$dest" >/dev/null 2>&1
	check "the package installs the same files as make install" \
		diff -u <(cd "$dest" && find . -type f | sed 's|^\.||' | sort) \
		<(dpkg -L "$PKG" | grep -vE '^/usr/share/(doc|lintian)/' | while read -r f; do [ -f "$f" ] && echo "$f"; done | sort)
	rm -rf "$dest"
	check "pgpref.so loads the OpenMP OpenBLAS" \
		eval 'ldd "$(pg_config --pkglibdir)/pgpref.so" | grep -E "libopenblas\.so\.0 => .*/openblas-openmp/"'

	# smoke query against the packaged files, in a fresh database
	psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS pgpref_deb" -c "CREATE DATABASE pgpref_deb" >/dev/null
	if smoke="$(psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -v version="$version" -d pgpref_deb -f test/deb_smoke.sql 2>&1)"; then
		check "smoke query ran: 9 checks" test "$(printf '%s\n' "$smoke" | grep -cE '^[tf]\|')" -eq 9
		while IFS='|' read -r passed what; do
			case "$passed" in
				t) ok "$what" ;;
				f) notok "$what" ;;
			esac
		done <<<"$smoke"
	else
		notok "smoke query ran"
		printf '%s\n' "$smoke" | sed 's/^/# /'
	fi
	psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS pgpref_deb_upg" -c "CREATE DATABASE pgpref_deb_upg" >/dev/null
	check "the packaged scripts update 0.1.0 to $version" eval 'psql -X -q -At -v ON_ERROR_STOP=1 -d pgpref_deb_upg \
		-c "CREATE EXTENSION pgpref VERSION '"'0.1.0'"'" -c "ALTER EXTENSION pgpref UPDATE" \
		-c "SELECT extversion FROM pg_extension WHERE extname = '"'pgpref'"'" | grep -x "$version"'
	psql -X -q -d postgres -c "DROP DATABASE pgpref_deb" -c "DROP DATABASE pgpref_deb_upg" >/dev/null

	# leave the machine as make install left it
	check "apt-get remove $PKG" "${APT[@]}" remove "$PKG"
	check "removing the package leaves no pgpref file" no_pgpref_files
	check "make install restores this tree's build" $SUDO make -s WERROR=1 install
	trap - EXIT
	echo "1..$n"
	return $fail
}

case "${1:-build}" in
	build) build ;;
	ensure) ensure ;;
	test) pkg_test ;;
	path) deb_path ;;
	*) die "unknown mode $1 (build, ensure, test, path)" ;;
esac
