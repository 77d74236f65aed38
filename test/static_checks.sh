#!/usr/bin/env bash
# Static checks of the install script and metadata; prints TAP-style lines.
set -uo pipefail
cd "$(dirname "$0")/.."
n=0
fail=0
check() {
	n=$((n + 1))
	if eval "$2" >/dev/null 2>&1; then echo "ok $n - $1"; else echo "not ok $n - $1"; fail=1; fi
}
VERSION="$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" pgpref.control)"
SCRIPT="pgpref--$VERSION.sql"
STRIPPED="$(mktemp)"
# the script without comments and string literals' COMMENT ON lines
grep -vE '^\s*--' "$SCRIPT" > "$STRIPPED"

check "install script $SCRIPT exists" "test -s '$SCRIPT'"
check "no CREATE OR REPLACE in the install script" "! grep -qiE 'create[[:space:]]+or[[:space:]]+replace' '$STRIPPED'"
check "no IF NOT EXISTS in the install script" "! grep -qiE 'if[[:space:]]+not[[:space:]]+exists' '$STRIPPED'"
check "every CREATE names @extschema@" \
	"! grep -iE '^[[:space:]]*create[[:space:]]+(function|type|operator|aggregate|procedure|view|table|cast|operator class|operator family)' '$STRIPPED' | grep -viE 'create[[:space:]]+(function|type|operator( class| family)?|aggregate|procedure|view|table)[[:space:]]+@extschema@\.|create[[:space:]]+cast'"
check "no search_path changes in the install script" "! grep -qiE 'set[[:space:]]+(local[[:space:]]+)?search_path' '$STRIPPED'"
check "META.json carries version $VERSION" "grep -q '\"version\": \"$VERSION\"' META.json"
check "CHANGELOG.md has an entry for $VERSION" "grep -qE '^## \\[?$VERSION' CHANGELOG.md"
check "control file: schema pref, trusted" "grep -qE '^schema *= *pref' pgpref.control && grep -qE '^trusted *= *true' pgpref.control"
check "numeric cores do not include postgres.h" "! grep -lE '#include.*postgres.h' src/linalg.c src/linalg.h src/*_core.c src/*_core.h"
# Every C entry point named by a shipped install or upgrade script exists in
# the library (older scripts' removed entry points live in src/compat.c).
NEEDED="$(mktemp)"
cat pgpref--*.sql src/pgpref--*.sql 2>/dev/null | grep -oE "'MODULE_PATHNAME', *'[A-Za-z0-9_]+'" | sed -E "s/.*, *'([^']+)'/\1/" | sort -u > "$NEEDED"
check "every C symbol named by a shipped script exists in pgpref.so" \
	"test -s pgpref.so && ! comm -23 '$NEEDED' <(nm -D --defined-only pgpref.so | awk '{print \$3}' | sort -u) | grep ."
check "every shipped older install script has an upgrade path to $VERSION" \
	"for f in src/pgpref--*.sql; do v=\${f#src/pgpref--}; v=\${v%.sql}; test -d src/upgrade--\$v--$VERSION || exit 1; done"
rm -f "$STRIPPED" "$NEEDED"
echo "1..$n"
exit $fail
