#!/usr/bin/env bash
# What the tests need besides npm packages, from Debian's packages when missing: Erlang (`erl`,
# `epmd`) for the BEAM peers the distribution tests talk to and the benchmarks' reference side,
# and Chromium for the observer's browser tests. Uses sudo when not root.
set -euo pipefail
missing=()
command -v erl >/dev/null 2>&1 || missing+=(erlang-base)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
echo "installing ${missing[*]} (apt-get) for the tests ..." >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
