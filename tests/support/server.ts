import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');
export const START_SCRIPT = join(ROOT, 'scripts/start.mjs');

export interface TestServer {
	url: string;
	port: number;
	env: Record<string, string>;
	process: ChildProcess;
	/** everything the server printed so far (stdout and stderr) */
	output(): string;
	/** graceful stop; resolves with the exit code */
	stop(signal?: NodeJS.Signals): Promise<number | null>;
	/** SIGKILL: no shutdown code runs, as in a crash */
	kill(): Promise<void>;
}

/**
 * Starts the production server exactly as `npm start` does (node scripts/start.mjs on the
 * build), on a free port, with a temporary data directory and no .env, and waits until
 * /healthz answers.
 */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
	const dataDir = mkdtempSync(join(tmpdir(), 'sb-app-'));
	const fullEnv: Record<string, string> = {
		PATH: process.env.PATH ?? '',
		HOME: process.env.HOME ?? dataDir,
		ENV_FILE: '',
		NODE_ENV: 'production',
		PORT: '0', // the OS picks a free port; the server logs its URL
		DATABASE_URL: join(dataDir, 'billing.db'),
		SERVER_NAME: 'test-server',
		...env
	};
	const child = spawn(process.execPath, [START_SCRIPT], { cwd: dataDir, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stderr!.on('data', (d) => (output += d));
	// 'close' (not 'exit'): fires once stdout and stderr are drained, so the output is complete
	const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
	const url = await new Promise<string>((resolve, reject) => {
		createInterface({ input: child.stdout! }).on('line', (line) => {
			output += line + '\n';
			if (line.includes('Server Billing listening')) resolve(JSON.parse(line).url);
		});
		void exited.then(() => reject(new Error(`server exited during start-up:\n${output}`)));
	});
	await waitUntilReady(url, exited, () => output);
	return {
		url,
		port: Number(new URL(url).port),
		env: fullEnv,
		process: child,
		output: () => output,
		async stop(signal = 'SIGTERM') {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			return exited;
		},
		async kill() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
			await exited;
		}
	};
}

async function waitUntilReady(url: string, exited: Promise<number | null>, output: () => string) {
	let done = false;
	void exited.then(() => (done = true));
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (done) throw new Error(`server exited during start-up:\n${output()}`);
		try {
			const response = await fetch(`${url}/healthz`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`server did not become ready:\n${output()}`);
}

/** Runs the start script expecting it to fail; resolves with its exit code and output. */
export function startExpectingFailure(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
	const dataDir = mkdtempSync(join(tmpdir(), 'sb-app-'));
	const child = spawn(process.execPath, [START_SCRIPT], {
		cwd: dataDir,
		env: { PATH: process.env.PATH ?? '', ENV_FILE: '', NODE_ENV: 'production', DATABASE_URL: join(dataDir, 'b.db'), ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (d) => (output += d));
	child.stderr.on('data', (d) => (output += d));
	const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
	return new Promise((res) =>
		child.on('close', (code) => {
			clearTimeout(timer);
			res({ code, output });
		})
	);
}
