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
}

export interface RunsTable {
	id: Generated<number>;
	server_id: string;
	boot_time: number;
	last_seen_at: number;
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
	/** why it failed or why its last attempt did: card_declined, stripe_unavailable, … */
	failure_code: string | null;
	failure_message: string | null;
	/** for invoices: fixed when the charge is created, so a resumed Stripe call sends the same params */
	collection_method: 'charge_automatically' | 'send_invoice' | null;
	/** the cron tick that created it, for scheduled billing (unique per server) */
	schedule_tick: number | null;
	created_at: number;
	updated_at: number;
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
	webhook_events: WebhookEventsTable;
	sessions: SessionsTable;
	billing_ticks: BillingTicksTable;
	settings: SettingsTable;
}

export type Server = Selectable<ServersTable>;
export type Run = Selectable<RunsTable>;
export type Charge = Selectable<ChargesTable>;
