// An activity entry as a sentence people read: "Ada Lovelace changed Grace Hopper's role from
// Member to Admin". Pure: the names come in as a map of what the users table answered, and an id
// it did not answer for (RLS hides it, or the name was not looked up yet) reads "a user".
//
// No gendered pronouns: what a person did to themselves reads "their" ("changed their password").
import type { Json } from '$shared/database.types.ts';
import type { UserRole } from '$shared/user-limits.ts';
import { counted } from '$lib/ui/count.ts';
import { deviceName } from '$lib/ui/device.ts';
import { ROLE_INFO, roleArticle } from '$lib/users/roles.ts';
import { displayEmail } from '$lib/users/types.ts';
import type { ActivityAction, ActivityEntry } from './api.ts';

/** How each action reads in the action filter and the export. */
export const ACTION_LABELS: Record<ActivityAction, string> = {
	user_created: 'User created',
	profile_changed: 'Personal information changed',
	role_changed: 'Role changed',
	deactivated: 'Deactivated',
	activated: 'Activated',
	password_set: 'Password set by an admin',
	temporary_password_replaced: 'Temporary password replaced',
	password_recovered: 'Password recovered',
	password_changed: 'Password changed',
	sessions_ended: 'Sessions ended',
	signed_in: 'Signed in'
};

/** Full names by user id, as the users table answered them. */
export type Names = Readonly<Record<string, string>>;

/** A piece of a sentence: words, or a person (a link to their settings where one is known). */
export type Part = string | { userId: string; name: string };

export type Describable = Pick<
	ActivityEntry,
	'action' | 'actor_type' | 'actor_id' | 'target_id' | 'changes' | 'details'
>;

const PROFILE_FIELDS = [
	['first_name', 'first name'],
	['last_name', 'last name'],
	['email', 'email']
] as const;

type Change = { from?: unknown; to?: unknown };

const object = (value: Json | undefined): Record<string, Json | undefined> =>
	value && typeof value === 'object' && !Array.isArray(value) ? value : {};

function changeOf(entry: Describable, field: string): Change | null {
	const change = object(entry.changes)[field];
	return change && typeof change === 'object' && !Array.isArray(change) ? change : null;
}

const isRole = (value: unknown): value is UserRole =>
	typeof value === 'string' && Object.hasOwn(ROLE_INFO, value);

/** A field's value as it reads: roles by their label, addresses as people write them. */
function valueText(field: string, value: unknown): string {
	if (value === null || value === undefined || value === '') return '(empty)';
	if (field === 'role' && isRole(value)) return ROLE_INFO[value].label;
	if (field === 'email' && typeof value === 'string') return displayEmail(value);
	return typeof value === 'string' ? value : JSON.stringify(value);
}

/** "a, b and c" */
function list(items: string[]): string {
	return items.length < 2
		? (items[0] ?? '')
		: `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The acting user, the service role or an operator. */
function actorPart(entry: Describable, names: Names): Part {
	if (entry.actor_type === 'service') return 'the service role';
	if (entry.actor_type === 'operator') return 'an operator';
	return person(entry.actor_id, names);
}

function person(id: string | null, names: Names, fallback?: string): Part {
	const name = id ? (names[id] ?? fallback) : undefined;
	return id && name ? { userId: id, name } : 'a user';
}

/** A new user's name as it was created, for when the users table does not answer for them. */
function createdName(entry: Describable): string | undefined {
	const first = changeOf(entry, 'first_name')?.to;
	const last = changeOf(entry, 'last_name')?.to;
	return typeof first === 'string' && typeof last === 'string' ? `${first} ${last}` : undefined;
}

/** "Grace Hopper's" (a person, then the possessive as words). */
const possessive = (part: Part): Part[] => [part, "'s"];

/** The sentence's parts; `sentenceText` joins them for the export and for tests. */
export function describe(entry: Describable, names: Names): Part[] {
	const actor = actorPart(entry, names);
	const target = person(
		entry.target_id,
		names,
		entry.action === 'user_created' ? createdName(entry) : undefined
	);
	const self = entry.actor_type === 'user' && entry.actor_id === entry.target_id;
	const details = object(entry.details);
	const parts = ((): Part[] => {
		switch (entry.action) {
			case 'user_created': {
				const role = changeOf(entry, 'role')?.to;
				return [actor, ' created ', target, isRole(role) ? ` as ${roleArticle(role)}` : ''];
			}
			case 'profile_changed': {
				const changed = PROFILE_FIELDS.flatMap(([field, label]) => {
					const change = changeOf(entry, field);
					return change
						? [`${label} from ${valueText(field, change.from)} to ${valueText(field, change.to)}`]
						: [];
				});
				const whose = self ? [' their '] : [' ', ...possessive(target), ' '];
				return [actor, ' changed', ...whose, list(changed) || 'personal information'];
			}
			case 'role_changed': {
				const change = changeOf(entry, 'role');
				const fromTo = change
					? ` from ${valueText('role', change.from)} to ${valueText('role', change.to)}`
					: '';
				return [actor, ' changed ', ...possessive(target), ` role${fromTo}`];
			}
			case 'deactivated':
				return [actor, ' deactivated ', target];
			case 'activated':
				return [actor, ' activated ', target];
			case 'password_set': {
				const how =
					details.generated === true
						? ' (generated)'
						: details.generated === false
							? ' (typed)'
							: '';
				const ended =
					typeof details.sessions_ended === 'number' && details.sessions_ended > 0
						? `, ending ${counted(details.sessions_ended, 'session')}`
						: '';
				return [actor, ' set a new temporary password for ', target, how, ended];
			}
			case 'temporary_password_replaced':
				return self
					? [target, ' replaced the temporary password with their own']
					: [actor, ' ended the temporary password of ', target];
			case 'password_recovered':
				return self
					? [target, ' recovered their password with an emailed link']
					: [actor, ' recovered the password of ', target, ' with an emailed link'];
			case 'password_changed':
				return self
					? [target, ' changed their password']
					: [actor, ' changed the password of ', target];
			case 'sessions_ended': {
				const count = typeof details.count === 'number' ? details.count : null;
				if (self)
					return [
						target,
						' signed out everywhere',
						count ? `, ending ${counted(count, 'session')}` : ''
					];
				return count
					? [actor, ` ended ${counted(count, 'session')} of `, target]
					: [actor, ' signed ', target, ' out everywhere'];
			}
			case 'signed_in': {
				const device = deviceName(
					typeof details.user_agent === 'string' ? details.user_agent : null
				);
				// "with a browser on Linux", not "with A browser on Linux".
				const readable = device?.replace(/^A browser/, 'a browser');
				const method = typeof details.method === 'string' ? details.method : null;
				// GoTrue's amr names: "otp" is any emailed link or code (recovery, magic link).
				const by =
					method === 'password'
						? ', by password'
						: method === 'otp' || method === 'magiclink' || method === 'recovery'
							? ', by an emailed link'
							: method
								? `, by ${method}`
								: '';
				return [target, ' signed in', readable ? ` with ${readable}` : '', by];
			}
		}
	})();
	return capitalised(parts.filter((part) => part !== ''));
}

/** The sentence starts with a capital; a name is left as its owner writes it. */
function capitalised(parts: Part[]): Part[] {
	const [head, ...rest] = parts;
	return typeof head === 'string' ? [head.charAt(0).toUpperCase() + head.slice(1), ...rest] : parts;
}

export const sentenceText = (parts: readonly Part[]): string =>
	parts.map((part) => (typeof part === 'string' ? part : part.name)).join('');

export const sentence = (entry: Describable, names: Names): string =>
	sentenceText(describe(entry, names));

/**
 * What changed, field by field, and the entry's facts ("role: Member → Admin; device: Chrome on
 * Linux"): the export's column for filtering and sorting in a spreadsheet.
 */
export function changesText(entry: Describable): string {
	const changes = Object.entries(object(entry.changes)).map(([field, value]) => {
		const change = (
			value && typeof value === 'object' && !Array.isArray(value) ? value : {}
		) as Change;
		const label = field.replace(/_/g, ' ');
		const to = valueText(field, change.to);
		return 'from' in change
			? `${label}: ${valueText(field, change.from)} → ${to}`
			: `${label}: ${to}`;
	});
	const details = object(entry.details);
	const facts: string[] = [];
	if (typeof details.generated === 'boolean')
		facts.push(`password: ${details.generated ? 'generated' : 'typed'}`);
	const ended = details.count ?? details.sessions_ended;
	if (typeof ended === 'number') facts.push(`sessions ended: ${ended}`);
	if (typeof details.user_agent === 'string') {
		facts.push(`device: ${deviceName(details.user_agent)}`);
		facts.push(`user agent: ${details.user_agent}`);
	}
	if (typeof details.method === 'string') facts.push(`method: ${details.method}`);
	if (typeof details.ip_address === 'string') facts.push(`address: ${details.ip_address}`);
	return [...changes, ...facts].join('; ');
}
