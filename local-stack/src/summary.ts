// The one block a developer reads after starting the stack.
import type { RunningStack } from './stack.ts';

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
	const width = Math.max(...rows.map(([name]) => name.length));
	return [
		'',
		'User Management — local stack is up',
		'',
		...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
		'',
		'  Keys: npm run stack:status    Stop: Ctrl-C',
		''
	].join('\n');
}
