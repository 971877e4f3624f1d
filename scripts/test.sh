#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find. `npm test` runs this.
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL 15 + pgTAP + pg_prove + plpgsql_check, and Chromium for the e2e tests.
bash scripts/ensure-system-deps.sh

echo "── types and Svelte (svelte-check)"
npm run --silent check

echo "── lint (Prettier, ESLint: zero warnings)"
npm run --silent lint

echo "── SPA build"
npm run --silent build >/dev/null

echo "── unit and component tests (vitest)"
npm run --silent test:unit

echo "── Edge Functions: deployable from supabase/functions alone, deno check + deno test (pure modules)"
npm run --silent test:functions

echo "── database (PostgreSQL 15 and 17, Supabase CLI, pgTAP, race, mutations)"
npm run --silent test:db

echo "── local stack contract (supabase-js against the stack on PostgreSQL 17)"
npm run --silent test:stack

echo "── attacks and faults (catalogue, races, fuzzing, dropped connections, secrets)"
npm run --silent test:attacks

echo "── local stack commands (npm run dev / stack / stack:status on the embedded PostgreSQL)"
npm run --silent test:cli

echo "── end-to-end (Playwright in Debian's Chromium, local stack on PostgreSQL 17)"
E2E_SKIP_BUILD=1 npm run --silent test:e2e

echo "── benchmarks, quick version (budgets reported, not enforced)"
npm run --silent bench -- --quick --report-only
