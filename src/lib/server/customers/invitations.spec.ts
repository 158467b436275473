import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../app';
import { sha256 } from '../auth/tokens';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { createInvitation, INVITATION_TTL_MS, invitationState, redeemInvitation } from './invitations';

const START = Date.parse('2026-12-01T09:00:00Z');
let apps: App[] = [];
afterEach(async () => {
	await Promise.all(apps.map((a) => a.stop()));
	apps = [];
});

/** Two instances on one database (two app servers behind a proxy); the times are passed in. */
async function twoInstances() {
	const config = loadConfig({ DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'sb-invite-')), 'billing.db') });
	const open = () =>
		App.open(config, {
			clock: () => START,
			uptime: { bootTime: () => START - 3600_000 },
			sampling: false,
			logger: createLogger(false, new Writable({ write: (_c, _e, done) => done() }))
		});
	apps = [await open(), await open()];
	return { a: apps[0], b: apps[1] };
}

describe('an invitation', () => {
	it('works once, for 7 days, and is stored only as a hash', async () => {
		const { a, b } = await twoInstances();
		const { token, expiresAt } = await createInvitation(a.store, 'default', START);
		expect(expiresAt).toBe(START + INVITATION_TTL_MS);
		const stored = await a.store.db.selectFrom('invitations').select('id').execute();
		expect(stored).toEqual([{ id: sha256(token) }]);

		expect(await invitationState(a.store, token, START + INVITATION_TTL_MS - 1000)).toBe('valid');
		// two opens at once, on two instances: exactly one signs in
		const opens = await Promise.all([redeemInvitation(a.store, token, START + 1000), redeemInvitation(b.store, token, START + 1000)]);
		expect(opens.filter((o) => o.ok)).toEqual([{ ok: true, customerId: 'default' }]);
		expect(opens.filter((o) => !o.ok)).toEqual([{ ok: false, reason: 'used' }]);
		expect(await redeemInvitation(a.store, token, START + 2000)).toEqual({ ok: false, reason: 'used' });
	});

	it('expires after 7 days unused, and an unknown or malformed token is nobody', async () => {
		const { a } = await twoInstances();
		const { token } = await createInvitation(a.store, 'default', START);
		expect(await redeemInvitation(a.store, token, START + INVITATION_TTL_MS)).toEqual({ ok: false, reason: 'expired' });
		expect(await invitationState(a.store, token, START + INVITATION_TTL_MS)).toBe('expired');
		// still unused: expiry, not a use, refused it
		expect((await a.store.db.selectFrom('invitations').select('used_at').executeTakeFirstOrThrow()).used_at).toBeNull();
		expect(await redeemInvitation(a.store, `${token.slice(0, -1)}x`, START)).toEqual({ ok: false, reason: 'unknown' });
		expect(await redeemInvitation(a.store, "'; drop table invitations; --", START)).toEqual({ ok: false, reason: 'unknown' });
		await expect(createInvitation(a.store, 'nobody', START)).rejects.toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
	});
});
