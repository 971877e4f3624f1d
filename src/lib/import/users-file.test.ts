import { describe, expect, it } from 'vitest';
import { IMPORT_MAX_ROWS, readUsersFile, roleOf, rowVerdicts, type ImportRow } from './users-file';

const rowsOf = (text: string): ImportRow[] => {
	const reading = readUsersFile(text);
	if (!reading.ok) throw new Error(reading.message);
	return reading.rows;
};

describe('readUsersFile', () => {
	it('reads comma- and semicolon-separated files, with or without a byte-order mark', () => {
		const comma = 'First name,Last name,Email,Role\r\nAda,Lovelace,ada@demo.test,admin\r\n';
		const semicolon =
			'\uFEFFfirst_name;last_name;email;role\nGrace;Hopper;GRACE@demo.test ;Manager\n';
		expect(rowsOf(comma)).toEqual([
			{ line: 2, first_name: 'Ada', last_name: 'Lovelace', email: 'ada@demo.test', role: 'admin' }
		]);
		const reading = readUsersFile(semicolon);
		expect(reading).toMatchObject({ ok: true, delimiter: ';' });
		expect(rowsOf(semicolon)[0]).toMatchObject({ first_name: 'Grace', email: 'GRACE@demo.test' });
	});

	it('matches header names leniently and in any order, and ignores other columns', () => {
		const text = 'E-mail,Team,Surname,Given name,ROLE\nlin@demo.test,Ops,Torvalds,Linus,member\n';
		expect(rowsOf(text)).toEqual([
			{
				line: 2,
				first_name: 'Linus',
				last_name: 'Torvalds',
				email: 'lin@demo.test',
				role: 'member'
			}
		]);
	});

	it('keeps quoted commas, quotes and line breaks inside cells, and skips blank lines', () => {
		const text =
			'first,last,email,role\n"Jean, Jr.","O""Neil",j@demo.test,member\n\n"Multi\nLine",X,m@demo.test,member\n';
		const rows = rowsOf(text);
		expect(rows.map((row) => [row.first_name, row.last_name])).toEqual([
			['Jean, Jr.', 'O"Neil'],
			['Multi\nLine', 'X']
		]);
	});

	it('says which columns are missing, and refuses more rows than an import takes', () => {
		expect(readUsersFile('')).toEqual({ ok: false, message: 'The file is empty.' });
		const noRole = readUsersFile('First name,Last name,Email\nA,B,c@d.test\n');
		expect(noRole).toMatchObject({
			ok: false,
			message: expect.stringContaining('no column for role')
		});
		const big =
			'first,last,email,role\n' +
			Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, i) => `A,B,u${i}@demo.test,member`).join(
				'\n'
			);
		expect(readUsersFile(big)).toMatchObject({
			ok: false,
			message: expect.stringContaining('10,001 rows')
		});
	});
});

describe('rowVerdicts', () => {
	it('judges each row by create-user’s rules, names the bad field, and finds the file’s duplicates', () => {
		const rows = rowsOf(
			[
				'first,last,email,role',
				'Ada,Lovelace,ada@demo.test,Admin',
				'Bad,Address,not-an-email,member',
				',Nameless,n@demo.test,member',
				'Eve,Escalate,eve@demo.test,superuser',
				'Ada,Again,ADA@demo.test,member',
				`Zero\u200Bwidth,X,z@demo.test,member`,
				`${'L'.repeat(101)},Long,l@demo.test,member`
			].join('\n')
		);
		const verdicts = rowVerdicts(rows);
		expect(verdicts[0]).toEqual({ ok: true });
		expect(verdicts[1]).toEqual({ ok: false, fields: { email: 'Enter a valid email address' } });
		expect(verdicts[2]).toEqual({ ok: false, fields: { first_name: 'First name is required' } });
		expect(verdicts[3]).toEqual({
			ok: false,
			fields: { role: 'Unknown role “superuser”: one of admin, manager, member, external' }
		});
		expect(verdicts[4]).toEqual({ ok: false, duplicateOf: 2 });
		expect(verdicts[5]).toMatchObject({
			ok: false,
			fields: { first_name: expect.stringContaining('invisible') }
		});
		expect(verdicts[6]).toMatchObject({
			ok: false,
			fields: { first_name: expect.stringContaining('100') }
		});
	});

	it('reads role names as people type them', () => {
		expect(['Admin', ' MANAGER ', 'administrator', 'User', 'guest', 'owner'].map(roleOf)).toEqual([
			'admin',
			'manager',
			'admin',
			'member',
			'external',
			'owner'
		]);
	});
});
