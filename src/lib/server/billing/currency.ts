/**
 * Currencies as Stripe defines them: the exponent of the minor unit Stripe's API
 * expects, the step an amount must be a multiple of (three-decimal currencies
 * want the last digit 0; ISK is sent as two-decimal but must be whole krónur),
 * and Stripe's minimum charge. The Stripe test double imports this table too, so
 * the app and the double never disagree on what Stripe refuses.
 */
import { stripeExponent, stripeStep, THREE_DECIMAL, TWO_DECIMAL, ZERO_DECIMAL } from '../../currency-exponent';

export interface Currency {
	code: string;
	exponent: 0 | 2 | 3;
	/** amounts in minor units must be a multiple of this */
	step: bigint;
	/** Stripe's minimum charge in minor units */
	minimumMinor: bigint;
	/** whether `minimumMinor` is Stripe's documented figure (settlement currencies) or our conservative equivalent */
	documentedMinimum: boolean;
}

/**
 * Stripe's documented minimum charge amounts (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts),
 * in minor units: the currencies Stripe settles in.
 */
export const DOCUMENTED_MINIMUM_MINOR: Readonly<Record<string, number>> = {
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

/**
 * Every other presentment currency: Stripe only says the charge must convert to at least its minimum
 * in the account's settlement currency (≈ USD 0.50; CZK 15 is the dearest, ≈ USD 0.65). These are
 * conservative equivalents — about USD 0.75 at late-2025 rates, about USD 1.50 for currencies that
 * lose value fast (ars, ngn, try, …) — rounded up to a round amount and to the currency's step, so an
 * amount we accept is one Stripe accepts; a charge refused here waits and grows (the usage carries over).
 */
export const EQUIVALENT_MINIMUM_MINOR: Readonly<Record<string, number>> = {
	// two-decimal
	afn: 6000,
	all: 7000,
	amd: 30000,
	ang: 150,
	aoa: 150000,
	ars: 250000,
	awg: 150,
	azn: 150,
	bam: 150,
	bbd: 150,
	bdt: 10000,
	bmd: 75,
	bnd: 100,
	bob: 1500,
	bsd: 75,
	bwp: 1200,
	byn: 500,
	bzd: 150,
	cdf: 500000,
	cny: 600,
	cop: 350000,
	crc: 40000,
	cve: 8000,
	dop: 5000,
	dzd: 10000,
	egp: 8000,
	etb: 25000,
	fjd: 200,
	fkp: 60,
	gel: 250,
	gip: 60,
	gmd: 6000,
	gtq: 600,
	gyd: 20000,
	hnl: 2000,
	htg: 10000,
	idr: 1500000,
	ils: 300,
	isk: 10000,
	jmd: 15000,
	kes: 10000,
	kgs: 7000,
	khr: 300000,
	kyd: 70,
	kzt: 50000,
	lak: 3500000,
	lbp: 15000000,
	lkr: 25000,
	lrd: 15000,
	lsl: 1500,
	mad: 800,
	mdl: 1500,
	mkd: 5000,
	mmk: 350000,
	mnt: 300000,
	mop: 700,
	mur: 4000,
	mvr: 1200,
	mwk: 300000,
	mzn: 5000,
	nad: 1500,
	ngn: 250000,
	nio: 3000,
	npr: 12000,
	pab: 75,
	pen: 300,
	pgk: 350,
	php: 5000,
	pkr: 25000,
	qar: 300,
	rsd: 8000,
	rub: 15000,
	sar: 300,
	sbd: 700,
	scr: 1200,
	shp: 60,
	sle: 2000,
	sos: 50000,
	srd: 6000,
	// Stripe still lists the pre-2018 dobra code; priced as the old unit (1 STN = 1000 STD), the safe reading
	std: 2000000,
	szl: 1500,
	tjs: 1000,
	top: 200,
	try: 7000,
	ttd: 600,
	twd: 2500,
	tzs: 200000,
	uah: 4000,
	uyu: 3500,
	uzs: 1000000,
	wst: 250,
	xcd: 250,
	yer: 20000,
	zar: 1500,
	zmw: 4000,
	// zero-decimal
	bif: 2500,
	clp: 800,
	djf: 150,
	gnf: 7000,
	kmf: 350,
	krw: 1100,
	mga: 3500,
	pyg: 6000,
	rwf: 1200,
	ugx: 3000,
	vnd: 20000,
	vuv: 100,
	xaf: 500,
	xof: 500,
	xpf: 100,
	// three-decimal (last digit 0)
	bhd: 300,
	jod: 600,
	kwd: 250,
	omr: 300,
	tnd: 2500
};

export const SUPPORTED_CURRENCIES: readonly string[] = [...TWO_DECIMAL, ...ZERO_DECIMAL, ...THREE_DECIMAL].sort();

/** Stripe's minimum charge for a supported currency, in minor units (documented, or our conservative equivalent). */
export function minimumChargeMinor(code: string): number | undefined {
	const c = code.trim().toLowerCase();
	return DOCUMENTED_MINIMUM_MINOR[c] ?? EQUIVALENT_MINIMUM_MINOR[c];
}

export function findCurrency(input: string): Currency | undefined {
	const code = input.trim().toLowerCase();
	const exponent = stripeExponent(code);
	const minimum = minimumChargeMinor(code);
	if (exponent === undefined || minimum === undefined) return undefined;
	return {
		code,
		exponent,
		step: BigInt(stripeStep(code)),
		minimumMinor: BigInt(minimum),
		documentedMinimum: code in DOCUMENTED_MINIMUM_MINOR
	};
}

export function currency(code: string): Currency {
	const found = findCurrency(code);
	if (!found) throw new Error(`Unsupported currency "${code}"`);
	return found;
}
