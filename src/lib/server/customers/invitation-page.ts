import type { Locale } from '../../format';
import { translator, type MessageKey } from '../../i18n';

export type InvitationRefusal = 'used' | 'expired' | 'unknown' | 'too-many';

/** A refused link's status: gone for good (used, expired), never existed, or wait. */
export const REFUSAL_STATUS: Record<InvitationRefusal, number> = { used: 410, expired: 410, unknown: 404, 'too-many': 429 };

const HEADLINE: Record<InvitationRefusal, MessageKey> = {
	used: 'inviteUsed',
	expired: 'inviteExpired',
	unknown: 'inviteUnknown',
	'too-many': 'inviteTooMany'
};

/**
 * The page a refused invitation link shows: which refusal, and what to do, in the viewer's
 * language. Plain HTML with nothing to load (its own CSP allows inline styles only), so it
 * reads the same with or without the app's scripts.
 */
export function invitationRefusedPage(reason: InvitationRefusal, locale: Locale, retryAfterSeconds?: number): Response {
	const t = translator(locale);
	const headline = t(HEADLINE[reason], { seconds: retryAfterSeconds ?? 0 });
	const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(headline)} · ${escape(t('title'))}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:520px;margin:12vh auto;padding:0 1rem;color:#1f2328}p.brand{color:#57606a}</style>
</head><body><main><p class="brand">${escape(t('title'))}</p><h1>${escape(headline)}</h1><p>${escape(t('inviteAsk'))}</p></main></body></html>
`;
	return new Response(html, {
		status: REFUSAL_STATUS[reason],
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'cache-control': 'no-store',
			'content-security-policy':
				"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
			...(retryAfterSeconds && { 'retry-after': String(retryAfterSeconds) })
		}
	});
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
