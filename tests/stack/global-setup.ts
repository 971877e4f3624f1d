// Contract tests run against a Supabase: by default a fresh embedded stack on a throwaway
// PostgreSQL 17; or, when SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY (and
// optionally SUPABASE_DB_URL) are set, any Supabase, e.g. `npx supabase start` where Docker exists.
import type { TestProject } from 'vitest/node';
import { stackUnderTest, startTestStack } from '../support/test-stack.ts';
import type { StackUnderTest } from './stack-under-test.ts';

export default async function setup(project: TestProject) {
	const {
		SUPABASE_URL,
		SUPABASE_ANON_KEY,
		SUPABASE_SERVICE_ROLE_KEY,
		SUPABASE_DB_URL,
		SUPABASE_JWT_SECRET
	} = process.env;
	if (SUPABASE_URL && SUPABASE_ANON_KEY && SUPABASE_SERVICE_ROLE_KEY) {
		project.provide('stack', {
			apiUrl: SUPABASE_URL,
			anonKey: SUPABASE_ANON_KEY,
			serviceRoleKey: SUPABASE_SERVICE_ROLE_KEY,
			dbUrl: SUPABASE_DB_URL ?? null,
			mailUrl: process.env.SUPABASE_MAIL_URL ?? null,
			jwtSecret: SUPABASE_JWT_SECRET ?? null,
			embedded: false
		} satisfies StackUnderTest);
		return;
	}

	const { stack, stop } = await startTestStack();
	project.provide('stack', stackUnderTest(stack) satisfies StackUnderTest);
	return stop;
}
