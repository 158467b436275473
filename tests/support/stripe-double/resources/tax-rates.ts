/** /v1/tax_rates — the manual tax rates invoices and invoice items refer to. */
import { invalidRequest, missingParam } from '../errors';
import { newId, nowSeconds } from '../ids';
import { filterCreated, paginate } from '../lists';
import { checkKnown, has, mergeMetadata, optBool, optMetadata, optString, reqString } from '../params';
import type { State } from '../state';
import type { HandlerContext, Params } from '../types';

const UPDATE_PARAMS = ['active', 'country', 'description', 'display_name', 'jurisdiction', 'metadata', 'state', 'tax_type'];
const CREATE_PARAMS = [...UPDATE_PARAMS, 'percentage', 'inclusive'];
/** Stripe allows up to 10 tax rates per line item and per invoice (`default_tax_rates`). */
const MAX_RATES = 10;

/** Percentages are decimals with up to four places, 0 ≤ p ≤ 100 (Stripe returns them as numbers). */
function percentage(params: Params): number {
	const raw = reqString(params, 'percentage');
	if (!/^\d{1,3}(\.\d{1,4})?$/.test(raw) || Number(raw) > 100) {
		throw invalidRequest(`Invalid decimal: ${raw}. Percentages must be between 0 and 100 with at most 4 decimal places.`, {
			param: 'percentage'
		});
	}
	return Number(raw);
}

function editable(params: Params) {
	const out: Params = {};
	for (const key of ['country', 'description', 'display_name', 'jurisdiction', 'state', 'tax_type']) {
		if (has(params, key)) out[key] = optString(params, key);
	}
	if (has(params, 'active')) out.active = optBool(params, 'active');
	return out;
}

export function createTaxRate(ctx: HandlerContext) {
	const p = ctx.params;
	checkKnown(p, CREATE_PARAMS);
	const displayName = reqString(p, 'display_name');
	const inclusive = optBool(p, 'inclusive');
	if (inclusive === undefined) throw missingParam('inclusive');
	const percent = percentage(p);
	const rate = {
		id: newId('txr'),
		object: 'tax_rate' as const,
		active: true,
		country: null as string | null,
		created: nowSeconds(),
		description: null as string | null,
		display_name: displayName,
		effective_percentage: percent,
		flat_amount: null,
		inclusive,
		jurisdiction: null as string | null,
		jurisdiction_level: null,
		livemode: false,
		metadata: mergeMetadata({}, optMetadata(p)),
		percentage: percent,
		rate_type: 'percentage' as const,
		state: null as string | null,
		tax_type: null as string | null,
		...editable(p)
	};
	return ctx.state.add('taxRates', rate);
}

export function retrieveTaxRate(ctx: HandlerContext) {
	checkKnown(ctx.params, []);
	return ctx.state.load('taxRates', ctx.id);
}

/** Percentage and inclusiveness are fixed once created, as in Stripe (make a new rate instead). */
export function updateTaxRate(ctx: HandlerContext) {
	checkKnown(ctx.params, UPDATE_PARAMS);
	const rate = ctx.state.load('taxRates', ctx.id);
	const changes = editable(ctx.params);
	if (changes.display_name === null) throw missingParam('display_name');
	Object.assign(rate, changes, { metadata: mergeMetadata(rate.metadata ?? {}, optMetadata(ctx.params)) });
	return rate;
}

export function listTaxRates(ctx: HandlerContext) {
	checkKnown(ctx.params, ['active', 'inclusive', 'created', 'limit', 'starting_after', 'ending_before']);
	const active = optBool(ctx.params, 'active');
	const inclusive = optBool(ctx.params, 'inclusive');
	const items = [...ctx.state.taxRates.values()].filter(
		(r) => (active === undefined || r.active === active) && (inclusive === undefined || r.inclusive === inclusive)
	);
	return paginate(filterCreated(items, ctx.params), ctx.params, '/v1/tax_rates');
}

/**
 * `tax_rates[]` / `default_tax_rates[]`: ids of active tax rates, returned as the full objects Stripe
 * embeds. undefined = not given; '' clears (an empty list).
 */
export function taxRatesParam(state: State, params: Params, name: string) {
	const v = params[name];
	if (v === undefined) return undefined;
	if (v === '') return [];
	if (!Array.isArray(v) || v.some((id) => typeof id !== 'string')) throw invalidRequest('Invalid array', { param: name });
	if (v.length > MAX_RATES) throw invalidRequest(`You can only pass up to ${MAX_RATES} tax rates.`, { param: name });
	return v.map((id: string, i: number) => {
		const rate = state.load('taxRates', id, { param: `${name}[${i}]`, inUrl: false });
		if (!rate.active) throw invalidRequest(`Tax rate ${id} is archived and cannot be applied to new items.`, { param: `${name}[${i}]` });
		return structuredClone(rate);
	});
}
