/** Exact decimals as scaled bigints: "0.0104" at scale 6 is 10400n. No floats touch money. */

const DECIMAL = /^\d+(\.\d+)?$/;

/** Parses a non-negative decimal string with at most `scale` fraction digits into value × 10^scale. */
export function parseDecimal(text: string, scale: number): bigint | undefined {
	const trimmed = text.trim();
	if (!DECIMAL.test(trimmed)) return undefined;
	const [whole, fraction = ''] = trimmed.split('.');
	if (fraction.length > scale) return undefined;
	return BigInt(whole + fraction.padEnd(scale, '0'));
}

/** Renders value / 10^scale as a plain decimal string without trailing zeros ("0.0104", "100"). */
export function formatScaled(value: bigint, scale: number, minFraction = 0): string {
	const negative = value < 0n;
	const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
	const whole = digits.slice(0, digits.length - scale);
	let fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
	if (fraction.length < minFraction) fraction = fraction.padEnd(minFraction, '0');
	return (negative ? '-' : '') + whole + (fraction ? '.' + fraction : '');
}

/** numerator / denominator rounded half-up to a multiple of `step`; all inputs non-negative. */
export function divideHalfUp(numerator: bigint, denominator: bigint, step = 1n): bigint {
	const unit = denominator * step;
	return ((2n * numerator + unit) / (2n * unit)) * step;
}
