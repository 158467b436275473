import { z } from 'zod';
import { parseRate } from '../../billing/money';
import { maxRateMicros, rateBound } from '../../config/bounds';
import { Failure } from '../../errors';
import { addServer as add, fleet, rotateAgentToken as rotate } from '../../metering/fleet';
import { ingestHeartbeats } from '../../metering/heartbeats';
import { adminProcedure, agentProcedure } from '../init';
import { serverId } from './inputs';

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-11-25T09:00:00Z' });

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
				hourlyRate: z
					.string()
					.trim()
					.refine((v) => parseRate(v) !== undefined, 'must be a decimal number with up to 6 decimal places')
					.optional()
			})
			.strict()
	)
	.mutation(({ ctx, input }) => {
		// bounded by the currency in use: a year at this rate must be one chargeable amount
		const { currency: cur, monthlyCapMinor } = ctx.app.config;
		if (input.hourlyRate !== undefined && parseRate(input.hourlyRate)! > maxRateMicros(cur, monthlyCapMinor)) {
			throw new Failure('INVALID_INPUT', 'BAD_REQUEST', `hourlyRate ${rateBound(cur, monthlyCapMinor)}`);
		}
		return add(ctx.app.store, input, ctx.app.clock());
	});

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
			if (!target) throw new Failure('INVALID_INPUT', 'BAD_REQUEST', 'serverId is required (only an agent token implies its server)');
			if (own && target !== own) throw new Failure('FORBIDDEN', 'FORBIDDEN', `This agent token belongs to server "${own}"`);
			return { serverId: target, bootTime: Date.parse(beat.bootTime), seenAt: beat.seenAt ? Date.parse(beat.seenAt) : now };
		});
		return ingestHeartbeats(ctx.app, beats);
	});
