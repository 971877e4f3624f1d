// The `Prefer` request header (RFC 7240) as PostgREST reads it (ApiRequest/Preferences.hs): several
// headers or comma-separated values, unknown ones ignored unless `handling=strict`.
import { invalidPreferences } from './errors.ts';

export type ReturnPreference = 'minimal' | 'headers-only' | 'representation';
export type CountPreference = 'exact' | 'planned' | 'estimated';

export interface Preferences {
	resolution?: 'merge-duplicates' | 'ignore-duplicates';
	return?: ReturnPreference;
	count?: CountPreference;
	tx?: 'commit' | 'rollback';
	missing?: 'default' | 'null';
	handling?: 'lenient' | 'strict';
	timezone?: string;
	maxAffected?: number;
}

const ACCEPTED: Record<string, readonly string[]> = {
	resolution: ['merge-duplicates', 'ignore-duplicates'],
	return: ['minimal', 'headers-only', 'representation'],
	count: ['exact', 'planned', 'estimated'],
	tx: ['commit', 'rollback'],
	missing: ['default', 'null'],
	handling: ['lenient', 'strict']
};

export function parsePreferences(headerValues: string[]): Preferences {
	const preferences: Preferences = {};
	const invalid: string[] = [];
	const tokens = headerValues
		.flatMap((value) => value.split(','))
		.map((token) => token.trim())
		.filter(Boolean);
	for (const token of tokens) {
		const [rawName = '', ...rest] = token.split('=');
		const name = rawName.trim();
		const value = rest.join('=').trim();
		if (name in ACCEPTED && (ACCEPTED[name] as readonly string[]).includes(value)) {
			// The first occurrence wins, as in PostgREST.
			(preferences as Record<string, unknown>)[name] ??= value;
		} else if (name === 'timezone' && value) {
			preferences.timezone ??= value;
		} else if (name === 'max-affected' && /^\d+$/.test(value)) {
			preferences.maxAffected ??= Number(value);
		} else {
			invalid.push(token);
		}
	}
	if (preferences.handling === 'strict' && invalid.length) throw invalidPreferences(invalid);
	return preferences;
}

/** The `Preference-Applied` header for the preferences a response honoured, in PostgREST's order. */
export function preferenceApplied(applied: Preferences): string | undefined {
	const parts: string[] = [];
	if (applied.resolution) parts.push(`resolution=${applied.resolution}`);
	if (applied.return) parts.push(`return=${applied.return}`);
	if (applied.count) parts.push(`count=${applied.count}`);
	if (applied.tx) parts.push(`tx=${applied.tx}`);
	if (applied.missing) parts.push(`missing=${applied.missing}`);
	if (applied.handling) parts.push(`handling=${applied.handling}`);
	if (applied.timezone) parts.push(`timezone=${applied.timezone}`);
	if (applied.maxAffected !== undefined) parts.push(`max-affected=${applied.maxAffected}`);
	return parts.length ? parts.join(', ') : undefined;
}
