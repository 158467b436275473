import type { Generated, Selectable } from 'kysely';

/** Times are integer milliseconds since the epoch, always on whole seconds; money is integer minor units. */
export interface ServersTable {
	id: string;
	name: string;
	/** this app's own machine, metered through systeminformation */
	is_local: number;
	/** decimal string in major units; null means the configured HOURLY_RATE */
	hourly_rate: string | null;
	stripe_customer_id: string | null;
	/** SHA-256 of the agent's token; null for the local server */
	agent_token_hash: string | null;
	created_at: number;
	/** no billable time before this (ms); null: from the first boot (the local server without METERING_START) */
	metering_start: number | null;
}

export interface RunsTable {
	id: Generated<number>;
	server_id: string;
	boot_time: number;
	last_seen_at: number;
	/** where this run's time may start: its boot, or the server's latest sighting when it was first seen (runs never overlap) */
	billable_from: number;
}

export type ChargeKind = 'payment_intent' | 'invoice';
/** `creating`: the row exists, the Stripe object may not yet; it already holds its window. */
export type ChargeStatus = 'creating' | 'pending' | 'succeeded' | 'failed' | 'canceled';

export interface ChargesTable {
	id: Generated<number>;
	server_id: string;
	kind: ChargeKind;
	status: ChargeStatus;
	period_start: number;
	period_end: number;
	amount_minor: number;
	currency: string;
	/** what Stripe shows the customer; stored so a resumed Stripe call sends the same params */
	description: string;
	stripe_id: string | null;
	client_secret: string | null;
	hosted_invoice_url: string | null;
	/** the finalized invoice's PDF (Stripe's invoice_pdf) */
	invoice_pdf_url: string | null;
	/** why it failed or why its last attempt did: card_declined, stripe_unavailable, … */
	failure_code: string | null;
	failure_message: string | null;
	/** for invoices: fixed when the charge is created, so a resumed Stripe call sends the same params */
	collection_method: 'charge_automatically' | 'send_invoice' | null;
	/** the cron tick that created it, for scheduled billing (unique per server) */
	schedule_tick: number | null;
	created_at: number;
	updated_at: number;
	/** where billing stopped after this charge (chain.ts ChainState); null frontier: a charge from before cumulative billing */
	frontier: number | null;
	anchor_run_id: number | null;
	anchor_start: number | null;
	/** set when Stripe reported an amount or currency the ledger did not expect: never settled automatically */
	review_reason: string | null;
	/** bumped when Stripe keeps replaying a saved failure for the charge's keys, so the next try uses fresh keys */
	stripe_attempt: Generated<number>;
}

/** One line of a charge: a server's new billable time in one calendar month, as sent to Stripe. */
export interface ChargeItemsTable {
	id: Generated<number>;
	charge_id: number;
	server_id: string;
	month: string;
	/** the hourly rate (decimal string); null for lines from before rates were recorded */
	rate: string | null;
	period_start: number;
	period_end: number;
	run_count: number;
	billable_seconds: number;
	amount_minor: number;
	description: string;
}

export interface ChargeLinesTable {
	id: Generated<number>;
	charge_id: number;
	run_id: number;
	period_start: number;
	period_end: number;
	month: string;
	metered_seconds: number;
	billable_seconds: number;
	amount_minor: number;
	description: string;
}

/** The table also has a `charge_id` column (first migration) that nothing ever filled: left in place, not mapped. */
export interface WebhookEventsTable {
	id: string;
	type: string;
	received_at: number;
}

export interface SessionsTable {
	/** SHA-256 of the cookie value */
	id: string;
	expires_at: number;
	created_at: number;
}

export interface BillingTicksTable {
	tick: number;
	started_at: number;
	finished_at: number | null;
}

/** Small remembered facts, e.g. the Stripe customer created from CUSTOMER_EMAIL. */
export interface SettingsTable {
	key: string;
	value: string;
}

export interface DB {
	servers: ServersTable;
	runs: RunsTable;
	charges: ChargesTable;
	charge_lines: ChargeLinesTable;
	charge_items: ChargeItemsTable;
	webhook_events: WebhookEventsTable;
	sessions: SessionsTable;
	billing_ticks: BillingTicksTable;
	settings: SettingsTable;
}

export type Server = Selectable<ServersTable>;
export type Run = Selectable<RunsTable>;
export type Charge = Selectable<ChargesTable>;
export type ChargeItem = Selectable<ChargeItemsTable>;
