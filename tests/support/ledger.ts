import SQLite from 'better-sqlite3';
import pg from 'pg';
import { expect } from 'vitest';
import type { StripeDouble } from './stripe-double';

export interface LedgerCharge {
	id: number;
	server_id: string;
	status: string;
	kind: string;
	period_start: number;
	period_end: number;
	amount_minor: number;
	stripe_id: string | null;
}

/**
 * Reads the ledger straight from the database, to check its invariants from outside the app:
 * one row per charge and server it billed (a customer's charge has a row for each of its
 * servers, with that server's period), ordered by charge.
 */
export async function readCharges(databaseUrl: string): Promise<LedgerCharge[]> {
	const query = `select c.id, s.server_id, c.status, c.kind, s.period_start, s.period_end, c.amount_minor, c.stripe_id
		from charge_servers s join charges c on c.id = s.charge_id order by c.id, s.server_id`;
	if (databaseUrl.startsWith('postgres')) {
		const client = new pg.Client({ connectionString: databaseUrl });
		await client.connect();
		try {
			return (await client.query(query)).rows.map((r) => ({
				...r,
				id: Number(r.id),
				period_start: Number(r.period_start),
				period_end: Number(r.period_end),
				amount_minor: Number(r.amount_minor)
			}));
		} finally {
			await client.end();
		}
	}
	const db = new SQLite(databaseUrl, { readonly: true, fileMustExist: true });
	try {
		return db.prepare(query).all() as LedgerCharge[];
	} finally {
		db.close();
	}
}

/**
 * What must hold whatever happened: at most one open charge per server; live charges
 * tile time without overlap or gap (nothing billed twice, nothing lost); every Payment
 * Intent at Stripe belongs to exactly one charge and carries its amount.
 */
export function expectConsistentLedger(charges: LedgerCharge[], double?: StripeDouble) {
	const open = charges.filter((c) => c.status === 'creating' || c.status === 'pending');
	expect(open.length, 'open charges').toBeLessThanOrEqual(1);
	const live = charges.filter((c) => c.status !== 'failed' && c.status !== 'canceled').sort((a, b) => a.period_start - b.period_start);
	for (let i = 1; i < live.length; i++) {
		expect(live[i].period_start, `charge ${live[i].id} starts where ${live[i - 1].id} ended`).toBe(live[i - 1].period_end);
	}
	if (!double) return;
	for (const intent of double.paymentIntents()) {
		const owners = charges.filter((c) => c.stripe_id === intent.id);
		const byMetadata = charges.find((c) => String(c.id) === intent.metadata.charge_id);
		expect(owners.length <= 1, `payment intent ${intent.id} has one charge`).toBe(true);
		expect(byMetadata, `payment intent ${intent.id} names a charge that exists`).toBeDefined();
		if (owners.length === 1) expect(intent.amount).toBe(owners[0].amount_minor);
		if (intent.status === 'succeeded') expect(byMetadata!.status).toBe('succeeded');
	}
	const paidIntents = double.paymentIntents().filter((p) => p.status === 'succeeded').length;
	expect(charges.filter((c) => c.kind === 'payment_intent' && c.status === 'succeeded').length).toBe(paidIntents);
}
