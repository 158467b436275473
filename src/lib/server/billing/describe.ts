import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';
import { formatRate as showRate } from '../../format';
import type { Currency } from './currency';
import { formatRate } from './money';

const when = (ms: number, timeZone: string) => format(new TZDate(ms, timeZone), 'yyyy-MM-dd HH:mm');

/** "web-1 uptime 2026-11-01 09:00 → 2026-11-25 17:00" in BILLING_TIMEZONE. */
export function periodDescription(serverName: string, start: number, end: number, timeZone: string): string {
	const zone = timeZone === 'UTC' ? ' UTC' : ` (${timeZone})`;
	return `${serverName} uptime ${when(start, timeZone)} → ${when(end, timeZone)}${zone}`;
}

/** "web-1 uptime 2026-11-01 09:00 → 2026-11-25 17:00 UTC, 583.2 h × ¥100/h (3 runs)" for an invoice item. */
export function lineDescription(
	serverName: string,
	line: { periodStart: number; periodEnd: number; billableSeconds: number; runCount: number },
	rateMicros: bigint,
	cur: Currency,
	timeZone: string
): string {
	const tenthsOfHours = Math.round((line.billableSeconds * 10) / 3600);
	const hours = `${Math.floor(tenthsOfHours / 10)}.${tenthsOfHours % 10}`;
	const rate = showRate(formatRate(rateMicros), cur.code, 'en');
	const runs = line.runCount === 1 ? '1 run' : `${line.runCount} runs`;
	return `${periodDescription(serverName, line.periodStart, line.periodEnd, timeZone)}, ${hours} h × ${rate}/h (${runs})`;
}
