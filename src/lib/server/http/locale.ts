import type { Locale } from '../../format';

/** The viewer's language: an explicit choice (cookie) first, then Accept-Language, then English. */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
	if (cookie === 'ja' || cookie === 'en') return cookie;
	for (const part of (acceptLanguage ?? '').split(',')) {
		const tag = part.split(';')[0].trim().toLowerCase();
		if (tag.startsWith('ja')) return 'ja';
		if (tag.startsWith('en')) return 'en';
	}
	return 'en';
}
