import type { Config } from '../config';
import type { Store } from '../db';
import type { Server } from '../db/schema';
import { runsSeenAfter } from '../metering/runs';
import { billedUntil, chargedByMonth } from './ledger';
import { parseRate } from './money';
import { monthSplitter } from './months';
import { priceStatement, type PricingRules, type Statement } from './pricing';
import { spansInWindow } from './window';

export interface OpenStatement extends Statement {
	/** null when the server has no billable time yet */
	periodStart: number | null;
	periodEnd: number;
	rules: PricingRules;
}

export function pricingRules(config: Config, server: Pick<Server, 'hourly_rate'>): PricingRules {
	return {
		currency: config.currency,
		rateMicros: server.hourly_rate === null ? config.rateMicros : parseRate(server.hourly_rate)!,
		minimumSeconds: config.minimumSeconds,
		incrementSeconds: config.incrementSeconds,
		monthlyCapMinor: config.monthlyCapMinor,
		timeZone: config.timeZone
	};
}

/**
 * The server's unbilled usage up to `windowEnd`: from the end of its last live charge
 * (or its first billable second), priced line by line. `liveRun` extends the run the
 * app is watching right now up to `windowEnd`, so a status between samples is current.
 */
export async function openStatement(
	store: Store,
	config: Config,
	server: Server,
	windowEnd: number,
	liveRun?: { id: number }
): Promise<OpenStatement> {
	const rules = pricingRules(config, server);
	const windowStart = await billedUntil(store, server.id);
	let runs = await runsSeenAfter(store, server.id, windowStart);
	if (liveRun) runs = runs.map((r) => (r.id === liveRun.id ? { ...r, last_seen_at: Math.max(r.last_seen_at, windowEnd) } : r));
	const spans = spansInWindow(runs, windowStart, windowEnd, config.meteringStart);
	const months = rules.monthlyCapMinor === undefined ? [] : monthsOf(spans, rules.timeZone);
	const statement = priceStatement(spans, rules, await chargedByMonth(store, server.id, months));
	return {
		...statement,
		periodStart: windowStart ?? spans[0]?.start ?? null,
		periodEnd: windowEnd,
		rules
	};
}

function monthsOf(spans: { start: number; end: number }[], timeZone: string): string[] {
	const split = monthSplitter(timeZone);
	const keys = new Set<string>();
	for (const span of spans) for (const piece of split(span.start, span.end)) keys.add(piece.month);
	return [...keys];
}
