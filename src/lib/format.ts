/** Display formatting shared by the server and the browser. Money arrives as a major-unit decimal string. */

export type Locale = 'en' | 'ja';
export const LOCALES: readonly Locale[] = ['en', 'ja'];

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** "1234.5" USD → "$1,234.50" (en) / "$1,234.50" (ja); "583" JPY → "¥583" / "￥583". */
export function formatMoney(major: string, currency: string, locale: Locale | string): string {
	const key = `${locale}:${currency}`;
	let format = moneyFormats.get(key);
	if (!format) {
		format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
		moneyFormats.set(key, format);
	}
	// Intl formats a decimal string exactly (no float detour)
	return format.format(major as unknown as number);
}

/** Rate per hour with all its digits ("0.0104" USD → "$0.0104"). */
const rateFormats = new Map<string, Intl.NumberFormat>();

export function formatRate(rate: string, currency: string, locale: Locale | string): string {
	const digits = rate.split('.')[1]?.length ?? 0;
	const key = `${locale}:${currency}:${digits}`;
	let format = rateFormats.get(key);
	if (!format) {
		format = new Intl.NumberFormat(locale, {
			style: 'currency',
			currency: currency.toUpperCase(),
			maximumFractionDigits: digits,
			minimumFractionDigits: 0
		});
		rateFormats.set(key, format);
	}
	return format.format(rate as unknown as number);
}

export function splitDuration(totalSeconds: number) {
	const s = Math.max(0, Math.floor(totalSeconds));
	return { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}

/** "583h 12m 05s" — the prototype's uptime format, kept for its scripts. */
export function formatUptime(totalSeconds: number): string {
	const { hours, minutes, seconds } = splitDuration(totalSeconds);
	return `${hours}h ${String(minutes).padStart(2, '0')}m ${String(seconds).padStart(2, '0')}s`;
}

export function formatDuration(totalSeconds: number, locale: Locale | string): string {
	const { hours, minutes, seconds } = splitDuration(totalSeconds);
	if (locale === 'ja') return `${hours}時間${minutes}分${seconds}秒`;
	return `${hours} h ${minutes} min ${seconds} s`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(iso: string, locale: Locale | string, timeZone?: string): string {
	// building an Intl formatter costs far more than using one: a history table needs dozens
	const key = `${locale}:${timeZone ?? ''}`;
	let format = dateFormats.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
		dateFormats.set(key, format);
	}
	return format.format(new Date(iso));
}
