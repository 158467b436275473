/**
 * The exponent of each currency's minor unit as Stripe's API defines it (docs.stripe.com/currencies).
 * Browser-safe on purpose: the dashboard formats amounts with it, and the server's currency table
 * (src/lib/server/billing/currency.ts) builds on the same lists, so display and charge never disagree.
 */
export const ZERO_DECIMAL: readonly string[] = 'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' ');
export const THREE_DECIMAL: readonly string[] = 'bhd jod kwd omr tnd'.split(' ');
export const TWO_DECIMAL: readonly string[] = (
	'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bmd bnd bob brl bsd bwp byn bzd ' +
	'cad cdf chf cny cop crc cve czk dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gtq gyd hkd ' +
	'hnl htg huf idr ils inr isk jmd kes kgs khr kyd kzt lak lbp lkr lrd lsl mad mdl mkd mmk mnt ' +
	'mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd pab pen pgk php pkr pln qar ron rsd rub ' +
	'sar sbd scr sek sgd shp sle sos srd std szl thb tjs top try ttd twd tzs uah uyu uzs wst xcd ' +
	'yer zar zmw'
).split(' ');

export type Exponent = 0 | 2 | 3;

/** Stripe's exponent for a currency code (any case), or undefined when Stripe does not settle it. */
export function stripeExponent(code: string): Exponent | undefined {
	const c = code.trim().toLowerCase();
	if (ZERO_DECIMAL.includes(c)) return 0;
	if (THREE_DECIMAL.includes(c)) return 3;
	if (TWO_DECIMAL.includes(c)) return 2;
	return undefined;
}

/**
 * Amounts in minor units must be a multiple of this: three-decimal currencies want the last
 * digit 0, and ISK is sent as two-decimal but Stripe only charges whole krónur.
 */
export function stripeStep(code: string): number {
	const c = code.trim().toLowerCase();
	if (THREE_DECIMAL.includes(c)) return 10;
	return c === 'isk' ? 100 : 1;
}
