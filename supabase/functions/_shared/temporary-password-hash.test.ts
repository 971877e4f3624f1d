import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { generatePassword } from './password.ts';
import { TEMPORARY_PASSWORD_COST, temporaryPasswordHash } from './temporary-password-hash.ts';

Deno.test(
	'a temporary password is hashed at cost 4 in the format Auth stores, and only it matches',
	async () => {
		const password = generatePassword();
		const hash = await temporaryPasswordHash(password);
		assert.match(hash, /^\$2a\$04\$[./A-Za-z0-9]{53}$/);
		assert.equal(bcrypt.getRounds(hash), TEMPORARY_PASSWORD_COST);
		assert.equal(await bcrypt.compare(password, hash), true);
		assert.equal(await bcrypt.compare(generatePassword(), hash), false);
		// Salted: the same password never gives the same hash twice.
		assert.notEqual(await temporaryPasswordHash(password), hash);
	}
);
