// `npm ci` as CI and a newcomer run it, on this machine's Node: no package may say it wants
// another Node, and the README names the same minimum as package.json's engines.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './commands.ts';

const run = promisify(execFile);

describe('npm ci', () => {
	it('warns of no unsupported engine on this Node', async () => {
		// A copy of the manifest and the lock: a dry run reads the lock's engines and installs
		// nothing, so the real node_modules is left alone.
		const dir = mkdtempSync(join(tmpdir(), 'umc-install-'));
		try {
			for (const file of ['package.json', 'package-lock.json'])
				copyFileSync(join(projectRoot, file), join(dir, file));
			const { stdout, stderr } = await run(
				'npm',
				['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'],
				{ cwd: dir, maxBuffer: 16 * 1024 * 1024 }
			);
			const warnings = `${stdout}${stderr}`
				.split('\n')
				.filter((line) => /EBADENGINE.*package:/.test(line));
			expect(warnings, `on Node ${process.version}`).toEqual([]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('is told the same minimum Node by the README as by package.json', () => {
		const { engines } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
			engines: { node: string };
		};
		// "^20.19.0 || ^22.13.0 || >=24" reads "Node 20.19+ (or 22.13+, or 24+"
		const minimums = engines.node
			.split('||')
			.map((range) => /(\d+(?:\.[1-9]\d*)?)/.exec(range.replace(/\.0(?=\.|$)/g, ''))![1]);
		const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
		const [, stated] = /\*\*Prerequisites\*\*: Node ([^)]*\))/.exec(readme)!;
		expect(stated!.match(/\d+(?:\.\d+)?(?=\+)/g)).toEqual(minimums);
	});
});
