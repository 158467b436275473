import type { Currency } from '../billing/currency';
import { secondsPricer } from '../billing/money';

export interface MonthProjection {
	/** the month so far plus the rest of it at the server's rate, if it is up now; at most the cap */
	projectedMinor: number;
	/** true when the cap, not the usage, sets the projection */
	capped: boolean;
}

/**
 * Where the month ends if nothing changes: a server that is up now stays up until the month
 * ends at its rate; one that is down adds nothing. An estimate, like the usage amounts.
 */
export function projectMonth(input: {
	monthToDateMinor: number;
	now: number;
	monthEnd: number;
	online: boolean;
	rateMicros: bigint;
	currency: Currency;
	capMinor?: bigint;
}): MonthProjection {
	const remainingSeconds = input.online ? Math.max(0, Math.floor((input.monthEnd - input.now) / 1000)) : 0;
	const projected = BigInt(input.monthToDateMinor) + secondsPricer(input.rateMicros, input.currency)(remainingSeconds);
	const capped = input.capMinor !== undefined && projected > input.capMinor;
	return { projectedMinor: Number(capped ? input.capMinor! : projected), capped };
}
