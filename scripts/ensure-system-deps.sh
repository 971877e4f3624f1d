#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing: PostgreSQL 15 with pgTAP
# and pg_prove (database tests), plpgsql_check (supabase db lint), Chromium (Playwright e2e: it
# cannot download its own browser here). As root on Debian it installs
# them; elsewhere it stops with the exact command to run.
set -euo pipefail

pg_ext=/usr/share/postgresql/15/extension
declare -A needed=(
  [postgresql-15]=/usr/lib/postgresql/15/bin/initdb
  [postgresql-15-pgtap]=$pg_ext/pgtap.control
  [libtap-parser-sourcehandler-pgtap-perl]=/usr/bin/pg_prove
  [postgresql-15-plpgsql-check]=$pg_ext/plpgsql_check.control
  [chromium]=/usr/bin/chromium
)

missing=()
for package in "${!needed[@]}"; do
  [ -e "${needed[$package]}" ] || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "Missing system packages for the tests. Install them with:" >&2
echo "  sudo apt-get install -y ${missing[*]}" >&2
exit 1
