import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db';
import { ensureLocalServer } from '../metering/servers';
import { recordSample } from '../metering/runs';
import { serverFacts } from './facts';

const rules = { minimumSeconds: 60, incrementSeconds: 60, timeZone: 'UTC' };

const open: Store[] = [];
afterEach(async () => {
	await Promise.all(open.splice(0).map((s) => s.close()));
});

async function twoConnections() {
	const path = join(mkdtempSync(join(tmpdir(), 'sb-facts-')), 'billing.db');
	const app = await openStore({ kind: 'sqlite', path });
	const cli = await openStore({ kind: 'sqlite', path });
	open.push(app, cli);
	await ensureLocalServer(app, 'web-1', null, 0);
	await recordSample(app, 'local', 0, 3600_000);
	return { app, cli };
}

const charge = (end: number) => ({
	server_id: 'local',
	customer_id: 'default',
	kind: 'invoice' as const,
	status: 'succeeded' as const,
	period_start: 0,
	period_end: end,
	amount_minor: 100,
	currency: 'jpy',
	description: 'test',
	stripe_id: null,
	client_secret: null,
	hosted_invoice_url: null,
	failure_code: null,
	failure_message: null,
	collection_method: null,
	schedule_tick: null,
	created_at: end,
	updated_at: end,
	frontier: end,
	anchor_run_id: null,
	anchor_start: null,
	review_reason: null
});
/** A paid charge for the local server up to `end`, as the ledger writes it (the charge and its server's state). */
async function billed(db: Store['db'], end: number) {
	const row = await db.insertInto('charges').values(charge(end)).returning('id').executeTakeFirstOrThrow();
	await db
		.insertInto('charge_servers')
		.values({
			charge_id: row.id,
			server_id: 'local',
			period_start: 0,
			period_end: end,
			frontier: end,
			anchor_run_id: null,
			anchor_start: null
		})
		.execute();
}

describe('server facts read once per database version (SQLite)', () => {
	it('serves the same read until something is written', async () => {
		const { app } = await twoConnections();
		const first = await serverFacts(app, rules, 'local');
		expect(await serverFacts(app, rules, 'local')).toBe(first);
		expect(first.window.latest).toBeDefined();
	});

	it('sees this process’s own writes at once', async () => {
		const { app } = await twoConnections();
		await serverFacts(app, rules, 'local');
		await recordSample(app, 'local', 0, 7200_000);
		expect((await serverFacts(app, rules, 'local')).window.latest?.last_seen_at).toBe(7200_000);
		await billed(app.db, 5400_000);
		const facts = await serverFacts(app, rules, 'local');
		expect(facts.window.billed.periodEnd).toBe(5400_000);
		expect(facts.lastCharge?.period_end).toBe(5400_000);
	});

	it('sees what another process committed (the CLI charging) within a millisecond', async () => {
		const { app, cli } = await twoConnections();
		const later = () => new Promise((r) => setTimeout(r, 2));
		expect((await serverFacts(app, rules, 'local')).window.billed.periodEnd).toBeNull();
		await billed(cli.db, 1800_000);
		await later();
		expect((await serverFacts(app, rules, 'local')).window.billed.periodEnd).toBe(1800_000);
		await cli.db.updateTable('runs').set({ last_seen_at: 9000_000 }).execute();
		await later();
		expect((await serverFacts(app, rules, 'local')).window.latest?.last_seen_at).toBe(9000_000);
	});

	it('does not remember an unknown server', async () => {
		const { app, cli } = await twoConnections();
		await expect(serverFacts(app, rules, 'edge-1')).rejects.toMatchObject({ code: 'SERVER_NOT_FOUND' });
		await cli.db
			.insertInto('servers')
			.values({
				id: 'edge-1',
				name: 'edge',
				is_local: 0,
				hourly_rate: null,
				stripe_customer_id: null,
				agent_token_hash: null,
				created_at: 0
			})
			.execute();
		await new Promise((r) => setTimeout(r, 2));
		expect((await serverFacts(app, rules, 'edge-1')).server.name).toBe('edge');
	});
});
