#!/bin/sh
# Fails when tests/list.mk does not list exactly the tests in the tree.
set -eu
src=${TAP_SRCDIR:-$(dirname "$0")/..}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/tests" "$tmp/tests"
sh "$tmp/tests/gen-test-list.sh"
if ! diff -u "$src/tests/list.mk" "$tmp/tests/list.mk"; then
	echo "tests/list.mk is stale: run tests/gen-test-list.sh" >&2
	exit 1
fi
