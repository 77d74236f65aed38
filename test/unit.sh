#!/usr/bin/env bash
# Server-free unit tests of the numeric cores (plain C, no postgres.h):
# compile each test/unit/*_test.c with the cores it needs and run it (TAP).
set -uo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
rc=0
for t in test/unit/*_test.c; do
	[ -e "$t" ] || continue
	name="$(basename "$t" _test.c)"
	# a test whose header says "unit-link: openblas" links the BLAS layer
	link=()
	if grep -q 'unit-link: openblas' "$t"; then
		ma="$(gcc -print-multiarch)"
		link=(-I"/usr/include/$ma/openblas-openmp" -L"/usr/lib/$ma/openblas-openmp"
			-Wl,-rpath,"/usr/lib/$ma/openblas-openmp" -lopenblas)
	fi
	if ! gcc -O2 -Wall -Wextra -Werror -Isrc -o "$out/$name" "$t" "src/$name.c" "${link[@]}" -lm; then
		echo "not ok - $name: does not compile"
		rc=1
		continue
	fi
	"$out/$name" || rc=1
done
exit $rc
