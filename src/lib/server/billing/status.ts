import { formatMoney, type Locale } from '../../format';
import type { App } from '../app';
import type { Charge } from '../db/schema';
import { LOCAL_SERVER_ID } from '../metering/servers';
import { currency, type Currency } from './currency';
import { billedIn, serverFacts, type ServerFacts } from './facts';
import { batchedReads, storeReads, type FactReads } from './reads';
import { priceWindow, pricingRules } from './statement';
import { formatRate, minorToMajor } from './money';

const iso = (ms: number) => new Date(ms).toISOString();

/** The status is asked for many times a second with mostly the same values: strings made from them are remembered (bounded). */
function remembered<K, V>(make: (key: K) => V): (key: K) => V {
	const known = new Map<K, V>();
	return (key) => {
		let value = known.get(key);
		if (value === undefined) {
			if (known.size >= 1000) known.clear();
			known.set(key, (value = make(key)));
		}
		return value;
	};
}
const isoOf = remembered(iso);
const rateOf = remembered(formatRate);
const moneyOf = remembered((key: string) => {
	const [locale, code, major] = key.split(' ');
	return formatMoney(major, code, locale);
});
const stripeOf = remembered((stripe: App['config']['stripe']) =>
	Object.freeze({
		enabled: Boolean(stripe.secretKey),
		testMode: stripe.testMode,
		publishableKey: stripe.publishableKey ?? null
	})
);

export interface ChargeView {
	id: number;
	kind: Charge['kind'];
	status: Charge['status'];
	periodStart: string;
	periodEnd: string;
	amountMinor: number;
	amountFormatted: string;
	currency: string;
	stripeId: string | null;
	hostedInvoiceUrl: string | null;
	invoicePdfUrl: string | null;
	failureMessage: string | null;
	/** why the charge waits for the operator (Stripe reported another amount or currency); null normally */
	reviewReason: string | null;
	createdAt: string;
}

export function chargeView(charge: Charge, locale: Locale): ChargeView {
	return {
		id: charge.id,
		kind: charge.kind,
		status: charge.status,
		periodStart: iso(charge.period_start),
		periodEnd: iso(charge.period_end),
		amountMinor: charge.amount_minor,
		amountFormatted: formatMoney(minorToMajor(charge.amount_minor, currency(charge.currency)), charge.currency, locale),
		currency: charge.currency,
		stripeId: charge.stripe_id,
		hostedInvoiceUrl: charge.hosted_invoice_url,
		invoicePdfUrl: charge.invoice_pdf_url,
		failureMessage: charge.failure_message,
		reviewReason: charge.review_reason,
		createdAt: iso(charge.created_at)
	};
}

/** Views of the ledger's rows, made once per row and locale: the rows are read once per database version (facts.ts). */
const views = new WeakMap<Charge, Partial<Record<Locale, Readonly<ChargeView>>>>();
function storedChargeView(charge: Charge, locale: Locale): Readonly<ChargeView> {
	let byLocale = views.get(charge);
	if (!byLocale) views.set(charge, (byLocale = {}));
	return (byLocale[locale] ??= Object.freeze(chargeView(charge, locale)));
}

const minimums = new Map<string, string>();
const minimumFormatted = (cur: Currency, locale: Locale) => {
	const key = `${cur.code}:${locale}`;
	let text = minimums.get(key);
	if (text === undefined) minimums.set(key, (text = formatMoney(minorToMajor(cur.minimumMinor, cur), cur.code, locale)));
	return text;
};

/**
 * The status last made for a server's facts, per locale: within one second (and one read of
 * the ledger) every status is the same but for when this machine was last seen.
 */
const lastStatus = new WeakMap<ServerFacts, Partial<Record<Locale, { key: string; status: Readonly<Status> }>>>();

/** What a server owes right now, for the dashboard, the API and the CLI. */
export async function billingStatus(
	app: App,
	serverId: string = LOCAL_SERVER_ID,
	locale: Locale = 'en',
	reads: FactReads = storeReads(app.store)
): Promise<Status> {
	const now = app.clock();
	const facts = await serverFacts(app.store, app.config, serverId, reads);
	const isLocal = facts.server.id === LOCAL_SERVER_ID;
	const run = isLocal ? undefined : facts.latestRun;
	const bootTime = isLocal ? app.meter.bootTime : (run?.boot_time ?? null);
	const lastSeen = isLocal ? now : (run?.last_seen_at ?? null);
	const liveRunId = isLocal ? app.meter.currentRunId : undefined;
	const periodEnd = isLocal ? Math.floor(now / 1000) * 1000 : (lastSeen ?? now);
	const seen = {
		uptimeSeconds: bootTime === null || lastSeen === null ? 0 : Math.max(0, Math.floor((lastSeen - bootTime) / 1000)),
		lastSeenAt: lastSeen === null ? null : iso(lastSeen)
	};
	const key = `${periodEnd} ${bootTime} ${liveRunId}`;
	let byLocale = lastStatus.get(facts);
	if (!byLocale) lastStatus.set(facts, (byLocale = {}));
	const known = byLocale[locale];
	if (known?.key === key) return { ...known.status, ...seen };
	const status = Object.freeze(await makeStatus(app, facts, locale, bootTime, periodEnd, liveRunId, seen, reads));
	byLocale[locale] = { key, status };
	return { ...status };
}

async function makeStatus(
	app: App,
	facts: ServerFacts,
	locale: Locale,
	bootTime: number | null,
	periodEnd: number,
	liveRunId: number | undefined,
	seen: { uptimeSeconds: number; lastSeenAt: string | null },
	reads: FactReads
) {
	const { config, store } = app;
	const { server, openCharge: pending, lastCharge: last } = facts;
	const liveRun = liveRunId === undefined ? undefined : { id: liveRunId };
	const statement = await priceWindow(store, pricingRules(config, server), facts.window, server, periodEnd, liveRun, (months, rate) =>
		billedIn(reads, facts, months, rate)
	);
	const cur = config.currency;
	const amountMajor = minorToMajor(statement.amountMinor, cur);
	return {
		serverId: server.id,
		serverName: server.name,
		currency: cur.code,
		hourlyRate: rateOf(statement.rules.rateMicros),
		uptimeSeconds: seen.uptimeSeconds,
		bootTime: bootTime === null ? null : isoOf(bootTime),
		lastSeenAt: seen.lastSeenAt,
		periodStart: statement.periodStart === null ? null : isoOf(statement.periodStart),
		periodEnd: isoOf(statement.periodEnd),
		meteredSeconds: statement.meteredSeconds,
		billableSeconds: statement.billableSeconds,
		amountMinor: Number(statement.amountMinor),
		amountMajor,
		amountFormatted: moneyOf(`${locale} ${cur.code} ${amountMajor}`),
		minimumApplied: statement.minimumApplied,
		minimumBillableSeconds: statement.rules.minimumSeconds,
		capApplied: statement.capApplied,
		minimumChargeMinor: Number(cur.minimumMinor),
		minimumChargeFormatted: minimumFormatted(cur, locale),
		pendingCharge: pending ? storedChargeView(pending, locale) : null,
		lastCharge: last ? storedChargeView(last, locale) : null,
		stripe: stripeOf(config.stripe)
	};
}

/** Many servers' statuses at once (tables of servers and customers): their reads go out together (reads.ts). */
export function billingStatuses(app: App, serverIds: readonly string[], locale: Locale): Promise<Status[]> {
	const reads = batchedReads(app.store);
	return Promise.all(serverIds.map((id) => billingStatus(app, id, locale, reads)));
}

type Status = Awaited<ReturnType<typeof makeStatus>>;

export type BillingStatus = Awaited<ReturnType<typeof billingStatus>>;
