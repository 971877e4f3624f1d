#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find. `npm test` runs this.
set -euo pipefail
cd "$(dirname "$0")/.."

# The database tests install what they need; the stack's contract tests need PostgreSQL 15 too.
bash scripts/ensure-system-deps.sh

echo "── types and Svelte (svelte-check)"
npm run --silent check

echo "── SPA build"
npm run --silent build >/dev/null

echo "── unit tests (vitest)"
npm run --silent test:unit

echo "── Edge Functions: deno check + deno test (pure modules)"
npm run --silent test:functions

echo "── database (PostgreSQL 15, Supabase CLI, pgTAP)"
npm run --silent test:db

echo "── local stack contract (supabase-js against the stack on PostgreSQL 15)"
npm run --silent test:stack

echo "── local stack commands (npm run dev / stack / stack:status on PGlite)"
npm run --silent test:cli
