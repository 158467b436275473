import { formatDuration, formatMoney, formatUptime, type Locale } from '../lib/format';
import { currency } from '../lib/server/billing/currency';
import { minorToMajor } from '../lib/server/billing/money';

/** How a human sees values: money in the locale's format, times local with their zone. */
export interface View {
	locale: Locale;
	/** IANA zone for times; undefined = this machine's (TZ) */
	timeZone: string | undefined;
}

export const money = (amountMinor: number, code: string, view: View) =>
	formatMoney(minorToMajor(amountMinor, currency(code)), code, view.locale);

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** "Nov 30, 2026, 15:36 GMT+9" / "2026/11/30 15:36 JST": a UTC ISO string is no way to show a time to a person. */
export function time(iso: string | null, view: View): string {
	if (!iso) return '—';
	const key = `${view.locale}:${view.timeZone ?? ''}`;
	let format = timeFormats.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(view.locale, {
			year: 'numeric',
			month: 'short',
			day: 'numeric',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23',
			timeZoneName: 'short',
			...(view.timeZone ? { timeZone: view.timeZone } : {})
		});
		timeFormats.set(key, format);
	}
	return format.format(new Date(iso));
}

export const period = (start: string, end: string, view: View) => `${time(start, view)} → ${time(end, view)}`;

/** The prototype's "3h 00m 31s" in English; "3時間0分31秒" in Japanese. */
export const duration = (seconds: number, view: View) => (view.locale === 'ja' ? formatDuration(seconds, 'ja') : formatUptime(seconds));

/** Terminal columns a string takes: CJK and full-width characters take two. */
function width(text: string): number {
	let n = 0;
	for (const ch of text)
		n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
	return n;
}
const pad = (text: string, columns: number) => text + ' '.repeat(Math.max(0, columns - width(text)));

/** "Label   value" lines, labels padded to one column. */
export function labelled(rows: [string, string][]): string {
	const columns = Math.max(...rows.map(([label]) => width(label)));
	return rows.map(([label, value]) => `${pad(label, columns)}  ${value}`).join('\n');
}

/** A plain table with a header row, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
	const columns = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
	const line = (cells: string[]) =>
		cells
			.map((c, i) => pad(c, columns[i] ?? 0))
			.join('  ')
			.trimEnd();
	return [line(header), ...rows.map(line)].join('\n');
}
