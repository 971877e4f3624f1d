// Part 2: the API path through the local stack (on the configured PostgreSQL) with supabase-js: a list page
// round trip, and create-user sequentially and concurrently, with where its time goes. The floor
// is the cheapest round trip through the same gateway (Auth's health check).
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { UsersApi, type ListParams } from '../src/lib/users/api.ts';
import { startTestStack } from '../tests/support/test-stack.ts';
import { createBenchAdmin } from './bench-admin.ts';
import { repeat, summarize, time, type Timing } from './measure.ts';

export interface ApiPathResult {
	listPage: Timing;
	floor: Timing;
	createSequential: Timing & { errors: number };
	createConcurrent: Timing & {
		errors: number;
		clients: number;
		perClient: number;
		seconds: number;
	};
	/** Median milliseconds of each part of one create-user call. */
	breakdown: Record<string, number>;
}

export async function benchApiPath(options: {
	quick: boolean;
	log: (line: string) => void;
}): Promise<ApiPathResult> {
	const sequential = options.quick ? 40 : 200;
	const clients = options.quick ? 5 : 20;
	const perClient = 10;
	const { stack, stop } = await startTestStack();
	try {
		const bench = await createBenchAdmin(stack, 'api');
		const { service, client: admin, accessToken: token } = bench;
		const createUser = async (label: string) => {
			const response = await fetch(`${stack.apiUrl}/functions/v1/create-user`, {
				method: 'POST',
				headers: {
					apikey: stack.keys.anonKey,
					authorization: `Bearer ${token}`,
					'content-type': 'application/json'
				},
				body: JSON.stringify({
					email: `${label}@api.test`,
					first_name: 'Load',
					last_name: label,
					role: 'member'
				})
			});
			await response.arrayBuffer();
			return response.status === 201;
		};

		let errors = 0;
		const createSequential = await repeat(
			sequential,
			async (i) => (errors += (await createUser(`seq${i}`)) ? 0 : 1)
		);
		options.log(
			`  create-user × ${sequential} sequentially: median ${createSequential.median.toFixed(1)} ms, ${errors} errors`
		);

		let concurrentErrors = 0;
		const samples: number[] = [];
		const [wall] = await time(() =>
			Promise.all(
				Array.from({ length: clients }, async (_, c) => {
					for (let i = 0; i < perClient; i++) {
						const [ms, ok] = await time(() => createUser(`c${c}x${i}`));
						samples.push(ms);
						if (!ok) concurrentErrors++;
					}
				})
			)
		);
		options.log(
			`  create-user ${clients} clients × ${perClient}: ${(wall / 1000).toFixed(1)} s, ${concurrentErrors} errors`
		);

		const api = new UsersApi(admin);
		const params: ListParams = {
			organizationId: bench.organizationId,
			search: '',
			role: '',
			status: '',
			sort: 'name',
			ascending: true,
			position: { from: 'start' },
			pageSize: 50,
			withCount: true
		};
		const listPage = await repeat(50, () => api.list(params));
		const floor = await repeat(50, () =>
			fetch(`${stack.apiUrl}/auth/v1/health`, { headers: { apikey: stack.keys.anonKey } }).then(
				(r) => r.arrayBuffer()
			)
		);

		// Where one create-user goes: each step the function takes, timed on its own.
		const parts: Record<string, number[]> = {
			'bcrypt (cost 10)': [],
			'Auth: check the caller': [],
			'Data API: caller row': [],
			'Auth: create user (incl. bcrypt)': [],
			'Data API: insert row': []
		};
		for (let i = 0; i < 20; i++) {
			parts['bcrypt (cost 10)']!.push((await time(() => bcryptHash('Some-Password-1', 10)))[0]);
			parts['Auth: check the caller']!.push((await time(() => service.auth.getUser(token)))[0]);
			parts['Data API: caller row']!.push(
				(
					await time(() =>
						service
							.from('users')
							.select('organization_id, role, status')
							.eq('id', bench.userId)
							.maybeSingle()
					)
				)[0]
			);
			const [authMs, made] = await time(() =>
				service.auth.admin.createUser({
					email: `part${i}@api.test`,
					password: 'Some-Password-1',
					email_confirm: true
				})
			);
			parts['Auth: create user (incl. bcrypt)']!.push(authMs);
			parts['Data API: insert row']!.push(
				(
					await time(() =>
						service.from('users').insert({
							id: made.data.user!.id,
							organization_id: bench.organizationId,
							email: `part${i}@api.test`,
							first_name: 'P',
							last_name: 'P',
							role: 'member'
						})
					)
				)[0]
			);
		}
		const breakdown = Object.fromEntries(
			Object.entries(parts).map(([name, values]) => [name, summarize(values).median])
		);
		const steps = Object.entries(breakdown)
			.filter(([name]) => name !== 'bcrypt (cost 10)')
			.reduce((sum, [, ms]) => sum + ms, 0);
		breakdown['Deno, gateway and glue (the rest)'] = Math.max(0, createSequential.median - steps);

		return {
			listPage,
			floor,
			createSequential: { ...createSequential, errors },
			createConcurrent: {
				...summarize(samples),
				errors: concurrentErrors,
				clients,
				perClient,
				seconds: wall / 1000
			},
			breakdown
		};
	} finally {
		await stop();
	}
}
