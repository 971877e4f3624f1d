// Files the global setup shares with the test files (which run in other processes).

export interface SuiteFiles {
	workDir: string;
	/** Every line the stack (Auth, Data API, gateway) and the functions' Deno processes logged. */
	logFile: string;
	/** Every password the suite created or was given, one a line. */
	secretsFile: string;
}

declare module 'vitest' {
	export interface ProvidedContext {
		suiteFiles: SuiteFiles;
	}
}
