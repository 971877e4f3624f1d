// The one block a developer reads after starting the stack.
import { relative } from 'node:path';
import { formatDemoUser } from './demo-users.ts';
import { defaultStateDir, projectRoot, type RunningStack } from './stack.ts';

const shellWord = (word: string) =>
	/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * What to type to get this stack's keys. npm runs scripts in the project folder whatever the
 * shell's, so a state folder inside it is named relative to it, and one elsewhere absolutely.
 */
export function statusCommand(stateDir: string): string {
	if (stateDir === defaultStateDir) return 'npm run stack:status';
	const inProject = relative(projectRoot, stateDir);
	const path = inProject && !inProject.startsWith('..') ? inProject : stateDir;
	return `npm run stack:status -- --state-dir ${shellWord(path)}`;
}

export function summary(stack: RunningStack, appUrl?: string): string {
	const rows: Array<[string, string]> = [];
	if (appUrl) rows.push(['App', appUrl]);
	rows.push(
		['API', `${stack.apiUrl}  (/auth/v1, /rest/v1, /functions/v1)`],
		[
			'Database',
			`${stack.dbUrl}  (PostgreSQL ${stack.postgresVersion}${stack.embedded ? ', embedded' : ''})`
		],
		['Mail', `${stack.mailUrl}  (every mail Auth sends)`],
		['Demo admin', `${stack.demoAdmin.email} / ${stack.demoAdmin.password}`]
	);
	// The other personas, one a line under one label, so each role can be tried at once.
	stack.demoUsers
		.filter((user) => user.email !== stack.demoAdmin.email)
		.forEach((user, i) => rows.push([i === 0 ? 'Demo users' : '', formatDemoUser(user)]));
	const width = Math.max(...rows.map(([name]) => name.length));
	return [
		'',
		'User Management — local stack is up',
		'',
		...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
		'',
		`  Keys: ${statusCommand(stack.stateDir)}    Stop: Ctrl-C`,
		''
	].join('\n');
}
