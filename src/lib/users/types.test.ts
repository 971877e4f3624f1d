import { describe, expect, it } from 'vitest';
import { displayEmail, fullName } from './types';

describe('how users read on screen', () => {
	it('shows an internationalised domain as people type it, and leaves others alone', () => {
		// What Chromium's email field sends for john@démo.test is the ASCII form.
		expect(displayEmail('john@xn--dmo-bma.test')).toBe('john@démo.test');
		expect(displayEmail('ada@example.test')).toBe('ada@example.test');
		expect(displayEmail('not-an-address')).toBe('not-an-address');
	});

	it('names a person first name first', () => {
		expect(fullName({ first_name: 'Ada', last_name: 'Lovelace' })).toBe('Ada Lovelace');
	});
});
