import { z } from 'zod';
import type { Currency } from '../../billing/currency';
import { parseRate } from '../../billing/money';
import { maxRateMicros, rateBound } from '../../config/bounds';
import { Failure } from '../../errors';
import { addServer as add, fleet, rotateAgentToken as rotate, updateServer as update } from '../../metering/fleet';
import { ingestHeartbeats } from '../../metering/heartbeats';
import { serverTable as table } from '../../metering/server-table';
import { visibleCustomerId } from '../../auth/scope';
import { accountProcedure, adminProcedure, agentProcedure } from '../init';
import { customerId, serverId } from './inputs';

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-11-25T09:00:00Z' });
const hourlyRate = z
	.string()
	.trim()
	.refine((v) => parseRate(v) !== undefined, 'must be a decimal number with up to 6 decimal places');
/** Bounded by the currency in use: a year at this rate must be one chargeable amount. */
function checkRate({ currency: cur, monthlyCapMinor }: { currency: Currency; monthlyCapMinor?: bigint }, hourlyRate: string | undefined) {
	if (hourlyRate !== undefined && parseRate(hourlyRate)! > maxRateMicros(cur, monthlyCapMinor)) {
		throw new Failure('INVALID_INPUT', `hourlyRate ${rateBound(cur, monthlyCapMinor)}`);
	}
}
const toMs = (iso: string | undefined) => (iso === undefined ? undefined : Math.floor(Date.parse(iso) / 1000) * 1000);

/** Servers (all, or the first `limit`) with their latest run and whether they are online. */
export const servers = adminProcedure
	.input(
		z
			.object({ limit: z.number().int().min(1).max(100_000).optional() })
			.strict()
			.optional()
	)
	.query(({ ctx, input }) => fleet(ctx.app.store, ctx.app.clock(), input?.limit));

/** Registers a remote server; the agent token in the answer is shown only this once. */
export const addServer = adminProcedure
	.input(
		z
			.object({
				id: serverId,
				name: z.string().trim().min(1).max(100),
				hourlyRate: hourlyRate.optional(),
				meteringStart: isoTime.optional(),
				customerId: customerId.optional()
			})
			.strict()
	)
	.mutation(({ ctx, input }) => {
		checkRate(ctx.app.config, input.hourlyRate);
		return add(ctx.app.store, { ...input, meteringStart: toMs(input.meteringStart) }, ctx.app.clock());
	});

/**
 * Changes a server's name, rate (applies to time not billed yet), metering start (an
 * operator may bill from an earlier date on purpose; no time before it is ever billed),
 * customer (not while an open charge bills it: CHARGE_PENDING) or retirement.
 */
export const updateServer = adminProcedure
	.input(
		z
			.object({
				serverId,
				name: z.string().trim().min(1).max(100).optional(),
				hourlyRate: hourlyRate.optional(),
				meteringStart: isoTime.optional(),
				customerId: customerId.optional(),
				retired: z.boolean().optional()
			})
			.strict()
	)
	.mutation(async ({ ctx, input }) => {
		checkRate(ctx.app.config, input.hourlyRate);
		await update(ctx.app.store, { ...input, meteringStart: toMs(input.meteringStart) }, ctx.app.clock());
		return { serverId: input.serverId };
	});

/** The servers table: paged (offset cursor), searchable by id or name, sorted; a customer sees only their own servers. */
export const serverTable = accountProcedure
	.input(
		z
			.object({
				cursor: z.number().int().min(0).max(1_000_000).optional(),
				limit: z.number().int().min(1).max(100).default(50),
				search: z.string().trim().max(100).optional(),
				sort: z.enum(['name', 'customer', 'uptime', 'unbilled']).default('name'),
				direction: z.enum(['asc', 'desc']).default('asc'),
				customerId: customerId.optional()
			})
			.strict()
			.optional()
	)
	.query(({ ctx, input }) =>
		table(
			ctx.app,
			{
				offset: input?.cursor ?? 0,
				limit: input?.limit ?? 50,
				search: input?.search || undefined,
				sort: input?.sort ?? 'name',
				direction: input?.direction ?? 'asc',
				customerId: ctx.auth.role === 'customer' ? visibleCustomerId(ctx.auth, input?.customerId) : input?.customerId
			},
			ctx.locale
		)
	);

export const rotateAgentToken = adminProcedure
	.input(z.object({ serverId }).strict())
	.mutation(async ({ ctx, input }) => ({ serverId: input.serverId, token: await rotate(ctx.app.store, input.serverId) }));

/**
 * Heartbeats from agents, batched (up to 1,000 a call): each says "this server, booted at
 * bootTime, was up at seenAt". An agent may only report its own server.
 */
export const heartbeat = agentProcedure
	.input(
		z
			.object({
				beats: z
					.array(z.object({ serverId: serverId.optional(), bootTime: isoTime, seenAt: isoTime.optional() }).strict())
					.min(1)
					.max(1000)
			})
			.strict()
	)
	.mutation(({ ctx, input }) => {
		const now = ctx.app.clock();
		const own = ctx.auth.role === 'agent' ? ctx.auth.serverId : undefined;
		const beats = input.beats.map((beat) => {
			const target = beat.serverId ?? own;
			if (!target) throw new Failure('INVALID_INPUT', 'serverId is required (only an agent token implies its server)');
			if (own && target !== own) throw new Failure('FORBIDDEN', `This agent token belongs to server "${own}"`);
			return { serverId: target, bootTime: Date.parse(beat.bootTime), seenAt: beat.seenAt ? Date.parse(beat.seenAt) : now };
		});
		return ingestHeartbeats(ctx.app, beats);
	});
