import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { LEASE_MS, TickClaim, unfinishedTicks } from './tick-claim';

const TICK = Date.parse('2026-12-01T00:00:00Z');
let apps: App[] = [];
afterEach(async () => {
	await Promise.all(apps.map((a) => a.stop()));
	apps = [];
});

/** Two instances on one database, on a clock the test moves. */
async function twoInstances() {
	let now = TICK;
	const config = loadConfig({ DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'sb-claim-')), 'billing.db') });
	const open = () =>
		App.open(config, {
			clock: () => now,
			uptime: { bootTime: () => TICK - 3600_000 },
			sampling: false,
			logger: createLogger(false, new Writable({ write: (_c, _e, done) => done() }))
		});
	const a = await open();
	const b = await open();
	apps = [a, b];
	return { a, b, at: (ms: number) => (now = ms) };
}

describe('a billing tick’s claim', () => {
	it('belongs to one instance while it renews it, and is taken over once it lapses', async () => {
		const { a, b, at } = await twoInstances();
		const first = await TickClaim.take(a, TICK);
		expect(first).toBeInstanceOf(TickClaim);
		expect(await TickClaim.take(b, TICK)).toBe('taken-by-another-instance');
		// a long run that keeps renewing is never taken over, however long it takes
		for (let t = 1; t <= 10; t++) {
			at(TICK + t * 15_000);
			expect(await (first as TickClaim).renew()).toBe(true);
			expect(await TickClaim.take(b, TICK)).toBe('taken-by-another-instance');
		}
		// a crash: no renewal for LEASE_MS, and the tick is listed as unfinished, lapsing then
		const lastRenewal = TICK + 150_000;
		expect(await unfinishedTicks(b)).toEqual([{ tick: TICK, lapsesAt: lastRenewal + LEASE_MS }]);
		at(lastRenewal + LEASE_MS);
		const second = await TickClaim.take(b, TICK);
		expect(second).toBeInstanceOf(TickClaim);
		// the old holder, if it was only stalled, finds out at its next renewal and leaves the tick to the new one
		expect(await (first as TickClaim).renew()).toBe(false);
		expect((first as TickClaim).lost).toBe(true);
		await (first as TickClaim).finish();
		expect(await unfinishedTicks(b)).toHaveLength(1);
		await (second as TickClaim).finish();
		expect(await unfinishedTicks(b)).toEqual([]);
		expect(await TickClaim.take(a, TICK)).toBe('already-done');
	});
});
