#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find. `npm test` runs this.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "── types and Svelte (svelte-check)"
npm run --silent check

echo "── SPA build"
npm run --silent build >/dev/null

echo "── database (PostgreSQL 15, Supabase CLI, pgTAP)"
npm run --silent test:db
