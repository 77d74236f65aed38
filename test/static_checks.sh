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
check "numeric cores do not include postgres.h" "! grep -lE '#include.*postgres.h' src/linalg.c src/linalg.h"
rm -f "$STRIPPED"
echo "1..$n"
exit $fail
