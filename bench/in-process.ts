import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { App } from '../src/lib/server/app';
import { billingStatus } from '../src/lib/server/billing/status';
import { loadOpenWindow, openStatement } from '../src/lib/server/billing/statement';
import { loadConfig } from '../src/lib/server/config';
import { openStore } from '../src/lib/server/db';
import { createLogger } from '../src/lib/server/log';
import { getServer } from '../src/lib/server/metering/servers';
import { median } from './load';
import { seedHistory } from './seed';

export const silentLogger = () => createLogger(false, new Writable({ write: (_chunk, _encoding, done) => done() }));

export interface StatementFigures {
	runs: number;
	/** openStatement (what a charge does) once the store holds the chain checkpoint: reads the runs after it, ms */
	statementMs: number;
	/** the first openStatement, which reads and chains every run and leaves the checkpoint, ms */
	firstStatementMs: number;
	/** reading every run of the open window from SQLite (what the first statement does), ms */
	readMs: number;
	/** billingStatus when nothing changed since the last one, ms */
	statusWarmMs: number;
	/** billingStatus right after a sample was written, ms */
	statusAfterWriteMs: number;
	repetitions: number;
}

/** A server that has booted `runs` times and was never billed: the longest open window there is. */
export async function statementFigures(runs: number, repetitions: number): Promise<StatementFigures> {
	const dir = mkdtempSync(join(tmpdir(), 'sb-bench-statement-'));
	const config = loadConfig({ DATABASE_URL: join(dir, 'billing.db'), SERVER_NAME: 'bench' });
	const boot = Math.floor((Date.now() - 3600_000) / 1000) * 1000;
	const store = await openStore(config.database);
	await seedHistory(store, config, { runs: runs - 1, charges: 0, before: boot - 60_000 });
	await store.close();
	// this machine's current boot is the last run; the clock moves a second per sample, so each sample writes
	let now = Math.floor(Date.now() / 1000) * 1000;
	const app = await App.open(config, { uptime: { bootTime: () => boot }, clock: () => now, sampling: false, logger: silentLogger() });
	try {
		const server = await getServer(app.store, 'local');
		const first = await timed(1, () => openStatement(app.store, config, server, now));
		const statement = await timed(repetitions, () => openStatement(app.store, config, server, now));
		const read = await timed(repetitions, () => loadOpenWindow(app.store, server.id));
		const afterWrite = await timed(
			repetitions,
			() => billingStatus(app),
			() => {
				now += 1000;
				return app.meter.sample();
			}
		);
		await billingStatus(app);
		const warm = await timed(repetitions, async () => {
			for (let i = 0; i < 100; i++) await billingStatus(app);
		});
		return {
			runs,
			statementMs: statement,
			firstStatementMs: first,
			readMs: read,
			statusWarmMs: warm / 100,
			statusAfterWriteMs: afterWrite,
			repetitions
		};
	} finally {
		await app.stop();
	}
}

/** Median wall time of `task`, in ms; `before` runs untimed ahead of each repetition. */
async function timed(repetitions: number, task: () => Promise<unknown>, before?: () => Promise<unknown>): Promise<number> {
	const times: number[] = [];
	for (let i = 0; i < repetitions; i++) {
		await before?.();
		const started = performance.now();
		await task();
		times.push(performance.now() - started);
	}
	return median(times);
}
