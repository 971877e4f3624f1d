// The pieces that reproduce Go library behaviour GoTrue's clients can observe: time.ParseDuration
// (ban_duration), encoding/json into structs (request bodies), map key order (response bodies).
import { describe, expect, it } from 'vitest';
import { GoDurationError, parseGoDuration } from './go-duration.ts';
import { decodeGoJson, goMapOrder, type GoStruct } from './go-json.ts';

const HOUR = 3600n * 1_000_000_000n;

describe('parseGoDuration', () => {
	it.each([
		['24h', 24n * HOUR],
		['876000h', 876_000n * HOUR],
		['1h30m', HOUR + 30n * 60n * 1_000_000_000n],
		['1.5h', (3n * HOUR) / 2n],
		['.5s', 500_000_000n],
		['1.s', 1_000_000_000n],
		['-5m', -300n * 1_000_000_000n],
		['+10ms', 10_000_000n],
		['250us', 250_000n],
		['250µs', 250_000n],
		['3ns', 3n],
		['0', 0n],
		['-0', 0n]
	])('reads %s', (input, nanos) => {
		expect(parseGoDuration(input)).toBe(nanos);
	});

	it.each([
		['1d', 'time: unknown unit "d" in duration "1d"'],
		['10', 'time: missing unit in duration "10"'],
		['', 'time: invalid duration ""'],
		['h', 'time: invalid duration "h"'],
		['.h', 'time: invalid duration ".h"'],
		['-', 'time: invalid duration "-"'],
		['3000000h', 'time: invalid duration "3000000h"']
	])('refuses %j as Go does', (input, message) => {
		expect(() => parseGoDuration(input)).toThrow(new GoDurationError(message));
	});
});

const Params = {
	name: 'AdminUserParams',
	fields: {
		email: 'string',
		password: 'optionalString',
		email_confirm: 'bool',
		user_metadata: 'map'
	}
} as const satisfies GoStruct;

describe('decodeGoJson', () => {
	it('fills absent and null fields with Go zero values and ignores unknown keys', () => {
		expect(decodeGoJson('{"email": null, "other": 1}', Params)).toEqual({
			email: '',
			password: null,
			email_confirm: false,
			user_metadata: null
		});
		expect(decodeGoJson('null', Params).email).toBe('');
	});

	it('keeps an empty string apart from a missing optional string', () => {
		expect(decodeGoJson('{"password": ""}', Params).password).toBe('');
		expect(decodeGoJson('{}', Params).password).toBeNull();
	});

	it('matches keys case-insensitively, preferring the exact one', () => {
		expect(decodeGoJson('{"EMAIL": "a@b.c"}', Params).email).toBe('a@b.c');
		expect(decodeGoJson('{"Email": "x@y.z", "email": "a@b.c"}', Params).email).toBe('a@b.c');
	});

	it('reports the first mistyped field in Go’s words', () => {
		expect(() => decodeGoJson('{"email": 5, "email_confirm": "yes"}', Params)).toThrow(
			'json: cannot unmarshal number into Go struct field AdminUserParams.email of type string'
		);
		expect(() => decodeGoJson('{"user_metadata": [1]}', Params)).toThrow(
			'json: cannot unmarshal array into Go struct field AdminUserParams.user_metadata of type map[string]interface {}'
		);
	});

	it('refuses a body that is not an object, or not JSON', () => {
		expect(() => decodeGoJson('[]', Params)).toThrow(
			'json: cannot unmarshal array into Go value of type api.AdminUserParams'
		);
		expect(() => decodeGoJson('"x"', Params)).toThrow(
			'json: cannot unmarshal string into Go value of type api.AdminUserParams'
		);
		expect(() => decodeGoJson('', Params)).toThrow('unexpected end of JSON input');
		expect(() => decodeGoJson('{"email": ', Params)).toThrow('unexpected end of JSON input');
		expect(() => decodeGoJson('email=a', Params)).toThrow(
			"invalid character 'e' looking for beginning of value"
		);
	});

	it('refuses nesting deeper than encoding/json allows', () => {
		expect(() => decodeGoJson(`{"user_metadata": ${'['.repeat(10_001)}`, Params)).toThrow(
			"invalid character '[' exceeded max depth"
		);
		const escaped = `{"email": "${'[\\"'.repeat(20_000)}"}`;
		expect(decodeGoJson(escaped, Params).email).toHaveLength(40_000);
	});
});

describe('goMapOrder', () => {
	it('sorts object keys at every level and leaves arrays in order', () => {
		const ordered = goMapOrder({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } });
		expect(JSON.stringify(ordered)).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
	});
});

describe('metadata keys named __proto__', () => {
	it('stay plain data when sorted', () => {
		const ordered = goMapOrder(
			JSON.parse('{"b": 1, "__proto__": {"polluted": true}}') as Record<string, unknown>
		);
		expect(JSON.stringify(ordered)).toBe('{"__proto__":{"polluted":true},"b":1}');
		expect((ordered as { polluted?: unknown }).polluted).toBeUndefined();
	});
});
