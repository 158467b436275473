import Negotiator from 'negotiator';
import { LOCALES, type Locale } from '../../format';

/**
 * The viewer's language: an explicit choice (cookie) first, then Accept-Language with its
 * q-values honoured ("fr-FR, ja;q=0.5, en;q=0.8" is English), then English.
 */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
	if (cookie === 'ja' || cookie === 'en') return cookie;
	if (!acceptLanguage) return 'en';
	const preferred = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language(LOCALES as Locale[]);
	return preferred === 'ja' ? 'ja' : 'en';
}
