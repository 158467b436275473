import { formatDateTime, formatMoney, formatRate, formatUptime, type Locale } from '../lib/format';
import { currency } from '../lib/server/billing/currency';
import { minorToMajor } from '../lib/server/billing/money';

export const formatMinor = (amountMinor: number, code: string, locale: Locale) =>
	formatMoney(minorToMajor(amountMinor, currency(code)), code, locale);
import type { BillingStatus } from '../lib/server/billing/status';

/** The text the prototype's `python server_billing.py` printed: server, uptime, rate, amount. */
export function printStatus(s: BillingStatus, locale: Locale): string {
	const rows: [string, string][] = [
		['Server', `${s.serverName} (${s.serverId})`],
		['Boot time', s.bootTime ? formatDateTime(s.bootTime, locale) : '—'],
		['Uptime', formatUptime(s.uptimeSeconds)],
		['Hourly rate', `${formatRate(s.hourlyRate, s.currency, locale)}/h`],
		['Billable since', s.periodStart ? formatDateTime(s.periodStart, locale) : '—'],
		['Billable time', `${formatUptime(s.billableSeconds)}${s.minimumApplied ? ' (minimum applied)' : ''}`],
		['Amount due', `${s.amountFormatted} (${s.amountMinor} ${s.currency} minor units)${s.capApplied ? ', monthly cap reached' : ''}`]
	];
	if (s.pendingCharge)
		rows.push(['Pending charge', `#${s.pendingCharge.id} ${s.pendingCharge.amountFormatted} (${s.pendingCharge.status})`]);
	const width = Math.max(...rows.map(([k]) => k.length));
	return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
