import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TestProject } from 'vitest/node';
import { freePort } from './ports';

declare module 'vitest' {
	export interface ProvidedContext {
		/** admin URL of a throwaway PostgreSQL (or TEST_DATABASE_URL); tests create their own databases in it */
		postgresUrl: string;
	}
}

/** One real PostgreSQL for the whole run: the one named by TEST_DATABASE_URL, or a fresh embedded one. */
export default async function setup(project: TestProject) {
	if (process.env.TEST_DATABASE_URL) {
		project.provide('postgresUrl', process.env.TEST_DATABASE_URL);
		return;
	}
	const child = spawn(process.execPath, [new URL('./postgres-process.mjs', import.meta.url).pathname, String(await freePort())], {
		stdio: ['pipe', 'pipe', 'inherit']
	});
	const exited = new Promise((resolve) => child.on('exit', resolve));
	const firstLine = await new Promise<string>((resolve, reject) => {
		createInterface({ input: child.stdout! }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code}`)));
	});
	project.provide('postgresUrl', JSON.parse(firstLine).url);
	return async () => {
		child.kill('SIGTERM');
		await exited;
	};
}
