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
	/** the customer who pays for it ('default': the one built from CUSTOMER_EMAIL / STRIPE_CUSTOMER_ID) */
	customer_id: Generated<string>;
	/** a retired server accepts no heartbeats and keeps its history */
	retired_at: number | null;
}

export const DEFAULT_CUSTOMER_ID = 'default';

export interface CustomersTable {
	id: string;
	/** null on the default customer: CUSTOMER_NAME applies */
	name: string | null;
	/** null on the default customer: CUSTOMER_EMAIL applies */
	email: string | null;
	locale: Generated<string>;
	/** created once and remembered, or given (the default customer: STRIPE_CUSTOMER_ID or the remembered setting) */
	stripe_customer_id: string | null;
	/** percent as a decimal string ("10"); null: TAX_RATE */
	tax_rate: string | null;
	/** 1: prices include the tax; null: TAX_INCLUSIVE */
	tax_inclusive: number | null;
	created_at: number;
}

/** A single-use sign-in link for a customer: only the token's hash is stored. */
export interface InvitationsTable {
	id: string;
	customer_id: string;
	expires_at: number;
	used_at: number | null;
	created_at: number;
}

/** One server in one charge: where that server's billing stops once the charge is live (chain.ts ChainState). */
export interface ChargeServersTable {
	charge_id: number;
	server_id: string;
	period_start: number;
	period_end: number;
	frontier: number;
	anchor_run_id: number | null;
	anchor_start: number | null;
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
	/** the server a per-server charge bills; null: the charge bills every server of its customer (charge_servers lists them) */
	server_id: string | null;
	customer_id: string;
	kind: ChargeKind;
	status: ChargeStatus;
	period_start: number;
	period_end: number;
	/** the gross amount: what Stripe charges (net + tax) */
	amount_minor: number;
	/** before tax; null on charges from before tax was recorded (then it equals amount_minor) */
	net_minor: number | null;
	/** rounded once per charge */
	tax_minor: Generated<number>;
	/** percent as a decimal string; null: no tax */
	tax_rate: string | null;
	/** 1: the lines' amounts include the tax */
	tax_inclusive: Generated<number>;
	/** the customer asked to keep the card for automatic billing (Payment Intents) */
	save_card: Generated<number>;
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
	/** where billing stopped after a per-server charge (charge_servers holds it for every charge since customers) */
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
	/** the signed-in customer; null: the operator */
	customer_id: string | null;
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
	charge_servers: ChargeServersTable;
	customers: CustomersTable;
	invitations: InvitationsTable;
	webhook_events: WebhookEventsTable;
	sessions: SessionsTable;
	billing_ticks: BillingTicksTable;
	settings: SettingsTable;
}

export type Server = Selectable<ServersTable>;
export type Run = Selectable<RunsTable>;
export type Charge = Selectable<ChargesTable>;
export type ChargeItem = Selectable<ChargeItemsTable>;
export type Customer = Selectable<CustomersTable>;
