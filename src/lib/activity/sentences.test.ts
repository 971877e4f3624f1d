import { describe, expect, it } from 'vitest';
import { deviceName } from '$lib/ui/device';
import { ACTIVITY_ACTIONS } from './api';
import {
	ACTION_LABELS,
	changesText,
	describe as describeEntry,
	sentence,
	type Describable
} from './sentences';

const ADA = '00000000-0000-4000-8000-0000000000a1';
const GRACE = '00000000-0000-4000-8000-0000000000b2';
const HIDDEN = '00000000-0000-4000-8000-0000000000c3';
const names = { [ADA]: 'Ada Lovelace', [GRACE]: 'Grace Hopper' };

const CHROME_LINUX =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

/** Ada (an admin) did something to Grace, unless the overrides say otherwise. */
const entry = (overrides: Partial<Describable>): Describable => ({
	action: 'signed_in',
	actor_type: 'user',
	actor_id: ADA,
	target_id: GRACE,
	changes: {},
	details: {},
	...overrides
});

const bySelf = (overrides: Partial<Describable>) => entry({ actor_id: GRACE, ...overrides });

describe('activity sentences', () => {
	it('creation: who, whom and the role', () => {
		const created = entry({
			action: 'user_created',
			changes: {
				email: { to: 'grace@demo.test' },
				first_name: { to: 'Grace' },
				last_name: { to: 'Hopper' },
				role: { to: 'member' }
			}
		});
		expect(sentence(created, names)).toBe('Ada Lovelace created Grace Hopper as a Member');
		expect(sentence({ ...created, changes: { role: { to: 'admin' } } }, names)).toBe(
			'Ada Lovelace created Grace Hopper as an Admin'
		);
		expect(sentence({ ...created, changes: { role: { to: 'external' } } }, names)).toBe(
			'Ada Lovelace created Grace Hopper as an External user'
		);
		// The users table did not answer for the new user: the name they were created with.
		expect(sentence({ ...created, target_id: HIDDEN }, names)).toBe(
			'Ada Lovelace created Grace Hopper as a Member'
		);
	});

	it('a role change reads with the role labels', () => {
		expect(
			sentence(
				entry({ action: 'role_changed', changes: { role: { from: 'member', to: 'admin' } } }),
				names
			)
		).toBe("Ada Lovelace changed Grace Hopper's role from Member to Admin");
	});

	it('a profile change names only the changed fields, in order, joined as people write lists', () => {
		const changed = entry({
			action: 'profile_changed',
			changes: {
				email: { from: 'grace@demo.test', to: 'g.hopper@xn--dmo-bma.test' },
				last_name: { from: 'Hopper', to: 'Murray Hopper' }
			}
		});
		expect(sentence(changed, names)).toBe(
			"Ada Lovelace changed Grace Hopper's last name from Hopper to Murray Hopper and email from grace@demo.test to g.hopper@démo.test"
		);
		expect(
			sentence(
				entry({
					action: 'profile_changed',
					changes: {
						first_name: { from: 'Grace', to: 'Amazing' },
						last_name: { from: 'Hopper', to: 'Grace' },
						email: { from: 'a@demo.test', to: 'b@demo.test' }
					}
				}),
				names
			)
		).toBe(
			"Ada Lovelace changed Grace Hopper's first name from Grace to Amazing, last name from Hopper to Grace and email from a@demo.test to b@demo.test"
		);
		// A manager renaming themselves: no pronoun that assumes a gender.
		expect(
			sentence(
				bySelf({
					action: 'profile_changed',
					changes: { first_name: { from: 'Grace', to: 'Gracie' } }
				}),
				names
			)
		).toBe('Grace Hopper changed their first name from Grace to Gracie');
	});

	it('activation, deactivation and passwords set by an admin', () => {
		expect(sentence(entry({ action: 'deactivated' }), names)).toBe(
			'Ada Lovelace deactivated Grace Hopper'
		);
		expect(sentence(entry({ action: 'activated' }), names)).toBe(
			'Ada Lovelace activated Grace Hopper'
		);
		expect(sentence(entry({ action: 'password_set', details: { generated: true } }), names)).toBe(
			'Ada Lovelace set a new temporary password for Grace Hopper (generated)'
		);
		expect(sentence(entry({ action: 'password_set', details: { generated: false } }), names)).toBe(
			'Ada Lovelace set a new temporary password for Grace Hopper (typed)'
		);
		expect(
			sentence(
				entry({ action: 'password_set', details: { generated: true, sessions_ended: 2 } }),
				names
			)
		).toBe(
			'Ada Lovelace set a new temporary password for Grace Hopper (generated), ending 2 sessions'
		);
		expect(
			changesText(
				entry({ action: 'password_set', details: { generated: false, sessions_ended: 1 } })
			)
		).toBe('password: typed; sessions ended: 1');
	});

	it('what people do with their own password, without gendered pronouns', () => {
		expect(sentence(bySelf({ action: 'temporary_password_replaced' }), names)).toBe(
			'Grace Hopper replaced the temporary password with their own'
		);
		expect(sentence(bySelf({ action: 'password_recovered' }), names)).toBe(
			'Grace Hopper recovered their password with an emailed link'
		);
		expect(sentence(bySelf({ action: 'password_changed' }), names)).toBe(
			'Grace Hopper changed their password'
		);
		for (const action of ACTIVITY_ACTIONS) {
			const text = sentence(bySelf({ action, details: { count: 2, generated: true } }), names);
			expect(text, action).not.toMatch(/\b(he|she|his|her|him|hers)\b/i);
		}
	});

	it('sessions ended by an admin or by the person, counted', () => {
		expect(sentence(entry({ action: 'sessions_ended', details: { count: 3 } }), names)).toBe(
			'Ada Lovelace ended 3 sessions of Grace Hopper'
		);
		expect(sentence(entry({ action: 'sessions_ended', details: { count: 1 } }), names)).toBe(
			'Ada Lovelace ended 1 session of Grace Hopper'
		);
		expect(sentence(bySelf({ action: 'sessions_ended', details: { count: 2 } }), names)).toBe(
			'Grace Hopper signed out everywhere, ending 2 sessions'
		);
		expect(sentence(entry({ action: 'sessions_ended' }), names)).toBe(
			'Ada Lovelace signed Grace Hopper out everywhere'
		);
	});

	it('a sign-in with the device, shortened readably', () => {
		expect(
			sentence(bySelf({ action: 'signed_in', details: { user_agent: CHROME_LINUX } }), names)
		).toBe('Grace Hopper signed in with Chrome on Linux');
		expect(sentence(bySelf({ action: 'signed_in', details: {} }), names)).toBe(
			'Grace Hopper signed in'
		);
		expect(
			sentence(
				bySelf({ action: 'signed_in', details: { user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' } }),
				names
			)
		).toBe('Grace Hopper signed in with a browser on Linux');
		expect(
			sentence(
				bySelf({ action: 'signed_in', details: { user_agent: CHROME_LINUX, method: 'password' } }),
				names
			)
		).toBe('Grace Hopper signed in with Chrome on Linux, by password');
		expect(sentence(bySelf({ action: 'signed_in', details: { method: 'otp' } }), names)).toBe(
			'Grace Hopper signed in, by an emailed link'
		);
	});

	it('the service role and operators as actors, and "a user" for an id the table does not answer', () => {
		expect(
			sentence(entry({ action: 'deactivated', actor_type: 'service', actor_id: null }), names)
		).toBe('The service role deactivated Grace Hopper');
		expect(
			sentence(
				entry({
					action: 'role_changed',
					actor_type: 'operator',
					actor_id: null,
					changes: { role: { from: 'admin', to: 'member' } }
				}),
				names
			)
		).toBe("An operator changed Grace Hopper's role from Admin to Member");
		expect(sentence(entry({ action: 'activated', actor_id: HIDDEN }), names)).toBe(
			'A user activated Grace Hopper'
		);
		expect(
			sentence(
				entry({
					action: 'role_changed',
					target_id: HIDDEN,
					changes: { role: { from: 'member', to: 'manager' } }
				}),
				names
			)
		).toBe("Ada Lovelace changed a user's role from Member to Manager");
	});

	it('marks the people in a sentence so the screen can link them', () => {
		expect(describeEntry(entry({ action: 'deactivated', actor_id: HIDDEN }), names)).toEqual([
			'A user',
			' deactivated ',
			{ userId: GRACE, name: 'Grace Hopper' }
		]);
	});

	it('a name is left as its owner writes it, even at the start', () => {
		expect(
			sentence(entry({ action: 'activated' }), { [ADA]: 'bell hooks', [GRACE]: 'Grace Hopper' })
		).toBe('bell hooks activated Grace Hopper');
	});

	it('every action has a label', () => {
		for (const action of ACTIVITY_ACTIONS) expect(ACTION_LABELS[action]).toMatch(/^[A-Z]/);
	});
});

describe('changesText (the export column)', () => {
	it('lists field changes before → after and the facts of the entry, never more', () => {
		expect(
			changesText(
				entry({ action: 'role_changed', changes: { role: { from: 'member', to: 'admin' } } })
			)
		).toBe('role: Member → Admin');
		expect(
			changesText(
				entry({
					action: 'user_created',
					changes: { first_name: { to: 'Grace' }, role: { to: 'member' } }
				})
			)
		).toBe('first name: Grace; role: Member');
		expect(changesText(entry({ action: 'password_set', details: { generated: true } }))).toBe(
			'password: generated'
		);
		expect(
			changesText(
				bySelf({
					action: 'signed_in',
					details: { user_agent: CHROME_LINUX, ip_address: '192.0.2.7', session_id: 'x' }
				})
			)
		).toBe(`device: Chrome on Linux; user agent: ${CHROME_LINUX}; address: 192.0.2.7`);
	});
});

describe('deviceName', () => {
	it.each([
		[CHROME_LINUX, 'Chrome on Linux'],
		[
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36',
			'Chrome on Linux'
		],
		[
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0',
			'Edge on Windows'
		],
		[
			'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
			'Safari on macOS'
		],
		[
			'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
			'Safari on iPhone'
		],
		[
			'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
			'Chrome on iPhone'
		],
		[
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
			'Firefox on Windows'
		],
		[
			'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
			'Samsung Internet on Android'
		],
		[
			'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
			'Chrome on ChromeOS'
		],
		['curl/8.5.0', 'curl'],
		['node', 'node'],
		['x'.repeat(60), `${'x'.repeat(39)}…`]
	])('%s → %s', (agent, expected) => {
		expect(deviceName(agent)).toBe(expected);
	});

	it('has nothing to say about no user agent', () => {
		expect(deviceName(null)).toBeNull();
		expect(deviceName('  ')).toBeNull();
	});
});
