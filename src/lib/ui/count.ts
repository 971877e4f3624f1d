// A number of things as the console writes it: grouped digits ("1,250") and the noun agreeing with
// the count ("1 session", "2 sessions", "1 entry", "3 entries").
const number = new Intl.NumberFormat('en');

export const counted = (count: number, one: string, many = `${one}s`): string =>
	`${number.format(count)} ${count === 1 ? one : many}`;
