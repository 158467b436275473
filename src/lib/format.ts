/** Display formatting shared by the server and the browser. Money arrives as a major-unit decimal string. */
import { stripeExponent, stripeStep } from './currency-exponent';

export type Locale = 'en' | 'ja';
export const LOCALES: readonly Locale[] = ['en', 'ja'];

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * Fraction digits shown for a currency: Stripe's exponent, so what is charged is what is shown
 * (Intl's own defaults round HUF and TWD to whole units: 17550 minor units would read "HUF 176").
 * ISK is the exception: Stripe takes it as two-decimal but only charges whole krónur.
 */
function fractionDigits(currency: string): number | undefined {
	const exponent = stripeExponent(currency);
	if (exponent === undefined) return undefined;
	return stripeStep(currency) === 100 ? 0 : exponent;
}

/** "1234.5" USD → "$1,234.50" (en) / "$1,234.50" (ja); "583" JPY → "¥583" / "￥583"; "175.5" HUF → "HUF 175.50". */
export function formatMoney(major: string, currency: string, locale: Locale | string): string {
	const key = `${locale}:${currency}`;
	let format = moneyFormats.get(key);
	if (!format) {
		const digits = fractionDigits(currency);
		format = new Intl.NumberFormat(locale, {
			style: 'currency',
			currency: currency.toUpperCase(),
			...(digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits })
		});
		moneyFormats.set(key, format);
	}
	// Intl formats a decimal string exactly (no float detour)
	return format.format(major as unknown as number);
}

/** Minor units as a major-unit decimal string with Stripe's exponent (17550 HUF → "175.50", 1230 KWD → "1.230"). */
export function minorToMajorString(amountMinor: number | bigint, currency: string): string {
	const exponent = stripeExponent(currency) ?? 2;
	const value = BigInt(amountMinor);
	const digits = (value < 0n ? -value : value).toString().padStart(exponent + 1, '0');
	const whole = digits.slice(0, digits.length - exponent);
	const fraction = digits.slice(digits.length - exponent);
	return (value < 0n ? '-' : '') + whole + (fraction ? `.${fraction}` : '');
}

/** An amount in minor units, shown exactly as Stripe charges it (17550 HUF → "HUF 175.50", 1230 KWD → "KWD 1.230"). */
export function formatMinor(amountMinor: number | bigint, currency: string, locale: Locale | string): string {
	return formatMoney(minorToMajorString(amountMinor, currency), currency, locale);
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

/**
 * A duration for people, one style per language for every duration on the page: "2 h 5 min 9 s",
 * "2時間5分9秒"; from a day on, days and hours ("9 d 22 h", "9日22時間").
 */
export function formatDuration(totalSeconds: number, locale: Locale | string): string {
	const { hours, minutes, seconds } = splitDuration(totalSeconds);
	if (hours >= 24) {
		const days = Math.floor(hours / 24);
		return locale === 'ja' ? `${days}日${hours % 24}時間` : `${days} d ${hours % 24} h`;
	}
	if (locale === 'ja') return `${hours}時間${minutes}分${seconds}秒`;
	return `${hours} h ${minutes} min ${seconds} s`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A date and time; given a time zone, in that zone and saying which ("30 Nov 2026, 09:00 UTC"). */
export function formatDateTime(iso: string, locale: Locale | string, timeZone?: string): string {
	// building an Intl formatter costs far more than using one: a history table needs dozens
	const key = `${locale}:${timeZone ?? ''}`;
	let format = dateFormats.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(
			locale,
			timeZone ? { ...DATE_TIME, timeZone, timeZoneName: 'short' } : { dateStyle: 'medium', timeStyle: 'short' }
		);
		dateFormats.set(key, format);
	}
	return format.format(new Date(iso));
}

// dateStyle/timeStyle cannot be combined with timeZoneName: the same look, spelled out
const DATE_TIME: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** A calendar day in a time zone, short ("Nov 30", "11/30"). */
export function formatDay(iso: string, locale: Locale | string, timeZone: string): string {
	const key = `${locale}:${timeZone}`;
	let format = dayFormats.get(key);
	if (!format) dayFormats.set(key, (format = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone })));
	return format.format(new Date(iso));
}

const rangeFormats = new Map<string, Intl.DateTimeFormat>();

/** A period as one short range, the shared parts said once ("Nov 30, 2026, 09:00 – 12:00 UTC"). */
export function formatPeriod(startIso: string, endIso: string, locale: Locale | string, timeZone: string): string {
	const key = `${locale}:${timeZone}`;
	let format = rangeFormats.get(key);
	if (!format) rangeFormats.set(key, (format = new Intl.DateTimeFormat(locale, { ...DATE_TIME, timeZone, timeZoneName: 'short' })));
	return format.formatRange(new Date(startIso), new Date(endIso));
}
