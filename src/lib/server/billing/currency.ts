/**
 * Currencies as Stripe defines them: the exponent of the minor unit Stripe's API
 * expects, and the step an amount must be a multiple of (three-decimal currencies
 * want the last digit 0; ISK is sent as two-decimal but must be whole krónur).
 */
export interface Currency {
	code: string;
	exponent: 0 | 2 | 3;
	/** amounts in minor units must be a multiple of this */
	step: bigint;
	/** Stripe's minimum charge in minor units */
	minimumMinor: bigint;
}

const ZERO_DECIMAL = 'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' ');
const THREE_DECIMAL = 'bhd jod kwd omr tnd'.split(' ');
const TWO_DECIMAL = (
	'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bmd bnd bob brl bsd bwp byn bzd ' +
	'cad cdf chf cny cop crc cve czk dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gtq gyd hkd ' +
	'hnl htg huf idr ils inr isk jmd kes kgs khr kyd kzt lak lbp lkr lrd lsl mad mdl mkd mmk mnt ' +
	'mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd pab pen pgk php pkr pln qar ron rsd rub ' +
	'sar sbd scr sek sgd shp sle sos srd std szl thb tjs top try ttd twd tzs uah uyu uzs wst xcd ' +
	'yer zar zmw'
).split(' ');

/**
 * Stripe's minimum charge amounts (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts),
 * in minor units. Currencies not listed settle through conversion; for them we use
 * the smallest chargeable amount and let Stripe's own check speak.
 */
const MINIMUM_MINOR: Record<string, number> = {
	usd: 50,
	aed: 200,
	aud: 50,
	bgn: 100,
	brl: 50,
	cad: 50,
	chf: 50,
	czk: 1500,
	dkk: 250,
	eur: 50,
	gbp: 30,
	hkd: 400,
	huf: 17500,
	inr: 50,
	jpy: 50,
	mxn: 1000,
	myr: 200,
	nok: 300,
	nzd: 50,
	pln: 200,
	ron: 200,
	sek: 300,
	sgd: 50,
	thb: 1000
};

export const SUPPORTED_CURRENCIES: readonly string[] = [...TWO_DECIMAL, ...ZERO_DECIMAL, ...THREE_DECIMAL].sort();

export function findCurrency(input: string): Currency | undefined {
	const code = input.trim().toLowerCase();
	let exponent: Currency['exponent'];
	if (ZERO_DECIMAL.includes(code)) exponent = 0;
	else if (THREE_DECIMAL.includes(code)) exponent = 3;
	else if (TWO_DECIMAL.includes(code)) exponent = 2;
	else return undefined;
	const step = exponent === 3 ? 10n : code === 'isk' ? 100n : 1n;
	const minimumMinor = BigInt(MINIMUM_MINOR[code] ?? Number(step));
	return { code, exponent, step, minimumMinor };
}

export function currency(code: string): Currency {
	const found = findCurrency(code);
	if (!found) throw new Error(`Unsupported currency "${code}"`);
	return found;
}
