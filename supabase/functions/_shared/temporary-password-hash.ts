// The hash Auth stores for a generated, temporary password, made here at bcrypt's lowest cost and
// handed to Auth as `password_hash` (GoTrue's admin API takes one; it then hashes nothing).
//
// Why the lowest cost is enough for these and for no other password: bcrypt's cost slows down
// guessing, which matters for passwords people choose. A generated one is 80 random bits
// (password.ts); at cost 4 a guess costs about a microsecond of a GPU, so 2^80 guesses are some
// 10^11 GPU-years away. It is also temporary: the user must choose their own at the first
// sign-in (must_change_password), and Auth hashes that one at its own cost (10). What it saves is
// one cost-10 hash per created user (84 ms of a core here): what held an import to about 24 users
// a second on two cores, whatever else ran.
import bcrypt from 'bcryptjs';

export const TEMPORARY_PASSWORD_COST = 4;

export async function temporaryPasswordHash(password: string): Promise<string> {
	// `$2a$` as Go's bcrypt (and GoTrue) writes it; for passwords of at most 72 bytes the `$2b$`
	// hash bcryptjs writes is the same.
	return (await bcrypt.hash(password, TEMPORARY_PASSWORD_COST)).replace(/^\$2b\$/, '$2a$');
}
