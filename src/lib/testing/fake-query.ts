// A stand-in for supabase-js's query builder: records the chain of calls (to assert what would be
// sent) and resolves to a prepared answer when awaited.
export interface RecordedQuery {
	table: string;
	calls: Array<[string, unknown[]]>;
}

export type Answer = {
	data: unknown;
	error: { code?: string; message: string } | null;
	count?: number | null;
	/** 0 stands for "no answer at all", as supabase-js reports a failed fetch. */
	status?: number;
};

export function fakeFrom(answer: (query: RecordedQuery) => Answer, log: RecordedQuery[] = []) {
	return (table: string) => {
		const query: RecordedQuery = { table, calls: [] };
		log.push(query);
		const builder: Record<string, unknown> = new Proxy(
			{},
			{
				get(_target, name: string) {
					if (name === 'then') {
						return (resolve: (value: Answer) => void, reject: (error: unknown) => void) => {
							try {
								resolve(answer(query));
							} catch (error) {
								reject(error);
							}
						};
					}
					return (...args: unknown[]) => {
						query.calls.push([name, args]);
						return builder;
					};
				}
			}
		);
		return builder;
	};
}
