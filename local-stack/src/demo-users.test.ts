import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from './demo-users.ts';
import { projectRoot } from './stack.ts';

describe('DEMO_USERS', () => {
	it('lists exactly the personas supabase/seed.sql creates, with their roles', () => {
		// A persona missing here would be seeded without a password; one too many would be printed
		// with a password that signs in to nothing.
		const seed = readFileSync(join(projectRoot, 'supabase/seed.sql'), 'utf8');
		const seeded = [...seed.matchAll(/'([^']+@demo\.test)',\s*'[^']*',\s*'[^']*',\s*'(\w+)'/g)].map(
			([, email, role]) => ({ email, role })
		);
		expect(seeded).toHaveLength(4);
		expect(DEMO_USERS).toEqual(seeded);
	});
});
