import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingClient, type BillingClient } from '../../src/lib/client';
import { startBilling, type BillingSetup } from '../support/billing';
import { DATABASES } from '../support/databases';
import { execute } from '../support/sql';

const TOKEN = 'customers-admin-token-0123456789abcdef';
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const parse = (text: string) => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
const monthStart = (now: number) => Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);

describe.each(DATABASES)('customers on %s', (kind) => {
	let setup: BillingSetup;
	let admin: BillingClient;
	/** acme's session cookie, from its invitation */
	let acmeCookie: string;
	let acme: BillingClient;
	const agentTokens: Record<string, string> = {};
	const now = Math.floor(Date.now() / 1000) * 1000;
	const url = (path: string) => setup.server.url + path;
	const open = (link: string, headers: Record<string, string> = {}) => fetch(link, { redirect: 'manual', headers });
	const asAcme = (path: string) => fetch(url(path), { headers: { cookie: acmeCookie } });

	beforeAll(async () => {
		setup = await startBilling(kind, { ADMIN_TOKEN: TOKEN, MUTATION_RATE_LIMIT: '1000', HOURLY_RATE: '100', CURRENCY: 'jpy' });
		admin = createBillingClient(setup.server.url, { token: TOKEN });
		expect(
			await admin.addCustomer.mutate({ id: 'acme', name: 'Acme', email: 'billing@acme.example', locale: 'ja', taxRate: '10' })
		).toEqual({
			customerId: 'acme',
			name: 'Acme',
			email: 'billing@acme.example',
			locale: 'ja',
			stripeCustomerId: null,
			taxRate: '10',
			taxInclusive: false
		});
		expect((await admin.addCustomer.mutate({ name: 'Beta Corp', email: 'ap@beta.example' })).customerId).toBe('beta-corp');
		// two servers each, each up for a while a few hours ago (metered from a day back)
		const servers = [
			['a-1', 'acme', 5],
			['a-2', 'acme', 3],
			['b-1', 'beta-corp', 4],
			['b-2', 'beta-corp', 2]
		] as const;
		for (const [id, customerId, hours] of servers) {
			const added = await admin.addServer.mutate({ id, name: id, customerId, meteringStart: iso(now - 24 * HOUR) });
			agentTokens[id] = added.token;
			await admin.heartbeat.mutate({
				beats: [{ serverId: id, bootTime: iso(now - (hours + 1) * HOUR), seenAt: iso(now - HOUR) }]
			});
		}
		const invitation = await admin.inviteCustomer.mutate({ customerId: 'acme' });
		const opened = await open(invitation.url);
		acmeCookie = opened.headers.get('set-cookie')!.split(';')[0];
		acme = createBillingClient(setup.server.url, { headers: { cookie: acmeCookie } });
	});
	afterAll(async () => {
		await setup?.close();
	});

	it('refuses what the customer procedures get wrong with a 4xx', async () => {
		await expect(admin.addCustomer.mutate({ id: 'acme', name: 'Again', email: 'x@acme.example' })).rejects.toMatchObject({
			data: { httpStatus: 409, errorCode: 'CUSTOMER_EXISTS' }
		});
		for (const bad of [{ taxRate: '101' }, { stripeCustomerId: 'acct_1' }, { email: 'not-an-email' }, { extra: 1 }]) {
			await expect(admin.updateCustomer.mutate({ customerId: 'acme', ...bad } as never), JSON.stringify(bad)).rejects.toMatchObject({
				data: { httpStatus: 400 }
			});
		}
		await expect(admin.updateCustomer.mutate({ customerId: 'nobody', name: 'x' })).rejects.toMatchObject({ data: { httpStatus: 404 } });
		await expect(admin.addServer.mutate({ id: 'x-1', name: 'x', customerId: 'nobody' })).rejects.toMatchObject({
			data: { errorCode: 'CUSTOMER_NOT_FOUND' }
		});
	});

	it('an invitation works once (a session with the admin cookie rules, then on to /), then says it was used (410)', async () => {
		const { url: link, expiresAt } = await admin.inviteCustomer.mutate({ customerId: 'beta-corp' });
		expect(link).toMatch(new RegExp(`^${setup.server.url}/invite/[\\w-]{43}$`));
		expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(7 * 24 * HOUR - 60_000);
		// a HEAD (a link preview) does not use it up
		expect((await fetch(link, { method: 'HEAD' })).status).toBe(200);
		const first = await open(link);
		// not a redirect: a SameSite=Strict cookie would not follow one that a mail client's link started
		expect(first.status).toBe(200);
		const welcome = await first.text();
		expect(welcome).toContain('<meta http-equiv="refresh" content="0; url=/">');
		expect(welcome).toContain('<a href="/">Continue to your billing</a>');
		const cookie = first.headers.get('set-cookie')!;
		expect(cookie).toMatch(/^sb_session=[\w-]{40,};/);
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Strict/i);
		const beta = createBillingClient(setup.server.url, { headers: { cookie: cookie.split(';')[0] } });
		expect((await beta.customerStatus.query()).customerId).toBe('beta-corp');

		const again = await open(link);
		expect(again.status).toBe(410);
		const page = await again.text();
		expect(page).toContain('This sign-in link has already been used.');
		expect(page).toContain('ask your provider for a new link');
		expect(again.headers.get('set-cookie')).toBeNull();
		const japanese = await (await open(link, { 'accept-language': 'ja,en;q=0.5' })).text();
		expect(japanese).toContain('このサインインリンクはすでに使用されています。');
		expect(japanese).toContain('新しいリンクを依頼してください');
		// the token never reaches the log
		expect(setup.server.output()).not.toContain(link.split('/invite/')[1]);
	});

	it('an expired invitation says so (410), an unknown one 404', async () => {
		const { url: link } = await admin.inviteCustomer.mutate({ customerId: 'acme' });
		await execute(setup.env.DATABASE_URL, 'update invitations set expires_at = $1 where used_at is null', [Date.now() - 1000]);
		const expired = await open(link);
		expect(expired.status).toBe(410);
		expect(await expired.text()).toContain('This sign-in link has expired.');
		const unknown = await open(url('/invite/not-a-real-invitation-token-at-all-0000000000'));
		expect(unknown.status).toBe(404);
		expect(await unknown.text()).toContain('This sign-in link is not valid.');
	});

	it("a customer's session sees only its own servers: another's answer 404", async () => {
		const status = await acme.customerStatus.query();
		expect(status).toMatchObject({ customerId: 'acme', name: 'Acme', currency: 'jpy', taxRate: '10', taxInclusive: false, canPay: true });
		expect(status.servers.map((s) => s.serverId)).toEqual(['a-1', 'a-2']);
		// with no server named, the customer's first; the admin's is this machine
		expect((await acme.billingStatus.query()).serverId).toBe('a-1');
		expect((await admin.billingStatus.query()).serverId).toBe('local');
		const table = await acme.serverTable.query({ sort: 'name' });
		expect(table.items.map((s) => s.serverId)).toEqual(['a-1', 'a-2']);
		expect(table.total).toBe(2);
		const range = { from: iso(now - 24 * HOUR), to: iso(now), bucket: 'day' as const };
		const notFound = { data: { httpStatus: 404 } };
		await expect(acme.billingStatus.query({ serverId: 'b-1' })).rejects.toMatchObject({ data: { errorCode: 'SERVER_NOT_FOUND' } });
		await expect(acme.usage.query({ serverId: 'b-1', ...range })).rejects.toMatchObject(notFound);
		await expect(acme.usage.query({ customerId: 'beta-corp', ...range })).rejects.toMatchObject(notFound);
		await expect(acme.charges.query({ serverId: 'b-1' })).rejects.toMatchObject(notFound);
		await expect(acme.charges.query({ customerId: 'beta-corp' })).rejects.toMatchObject(notFound);
		await expect(acme.createPaymentIntent.mutate({ serverId: 'b-1' })).rejects.toMatchObject(notFound);
		await expect(acme.customerStatus.query({ customerId: 'beta-corp' })).rejects.toMatchObject(notFound);
		await expect(acme.serverTable.query({ customerId: 'beta-corp' })).rejects.toMatchObject(notFound);
		// the customer's usage is its servers', summed
		const own = await acme.usage.query(range);
		expect(own).toEqual(await admin.usage.query({ customerId: 'acme', ...range }));
		expect(own.totalSeconds).toBe((5 + 3) * 3600);
	});

	it('admin procedures answer 403 to a customer', async () => {
		const forbidden = { data: { httpStatus: 403, errorCode: 'FORBIDDEN' } };
		await expect(acme.addServer.mutate({ id: 'mine', name: 'mine' })).rejects.toMatchObject(forbidden);
		await expect(acme.customers.query()).rejects.toMatchObject(forbidden);
		await expect(acme.inviteCustomer.mutate({ customerId: 'acme' })).rejects.toMatchObject(forbidden);
		await expect(acme.createInvoice.mutate({ customerId: 'acme' })).rejects.toMatchObject(forbidden);
		await expect(acme.billNow.mutate()).rejects.toMatchObject(forbidden);
		await expect(acme.updateServer.mutate({ serverId: 'a-1', name: 'renamed' })).rejects.toMatchObject(forbidden);
		await expect(acme.uptime.query()).rejects.toMatchObject(forbidden);
		await expect(acme.servers.query()).rejects.toMatchObject(forbidden);
		// and its pages are not the operator's sign-in
		const page = await fetch(url('/signin'), { headers: { cookie: acmeCookie }, redirect: 'manual' });
		expect(page.status).toBe(200);
	});

	it('the customers table adds up what the per-server statuses say', async () => {
		const { items, nextCursor } = await admin.customers.query({ limit: 100 });
		expect(nextCursor).toBeNull();
		expect(items.map((c) => c.customerId)).toEqual(['acme', 'beta-corp', 'default']);
		const now = Date.now();
		for (const [customerId, servers] of [
			['acme', ['a-1', 'a-2']],
			['beta-corp', ['b-1', 'b-2']]
		] as const) {
			const row = items.find((c) => c.customerId === customerId)!;
			const statuses = await Promise.all(servers.map((serverId) => admin.billingStatus.query({ serverId })));
			const month = await admin.usage.query({ customerId, from: iso(monthStart(now)), to: iso(now), bucket: 'month' });
			expect(row.serverCount).toBe(2);
			expect(row.unbilledMinor).toBeGreaterThan(0);
			expect(row.unbilledMinor).toBe(statuses.reduce((sum, s) => sum + s.amountMinor, 0));
			expect(row.monthToDateMinor).toBe(month.totalMinor);
			expect(row).toMatchObject({ openChargeMinor: null, openChargeId: null, lastPaymentAt: null, flaggedCharges: 0 });
			const status = await admin.customerStatus.query({ customerId });
			expect(status.unbilledMinor).toBe(row.unbilledMinor);
			expect(status.monthToDateMinor).toBe(row.monthToDateMinor);
		}
		expect((await admin.customers.query({ search: 'BETA' })).items.map((c) => c.customerId)).toEqual(['beta-corp']);
		expect((await admin.customers.query({ search: '%' })).items).toEqual([]);
		const paged = await admin.customers.query({ limit: 2 });
		expect(paged.nextCursor).toBe('beta-corp');
		expect((await admin.customers.query({ limit: 2, cursor: paged.nextCursor! })).items.map((c) => c.customerId)).toEqual(['default']);
	});

	it('the servers table searches, sorts and pages', async () => {
		const all = await admin.serverTable.query({ limit: 2, sort: 'name', direction: 'desc' });
		expect(all.total).toBe(5);
		expect(all.items.map((s) => s.serverId)).toEqual(['local', 'b-2']);
		expect(all.items[0]).toMatchObject({
			name: 'test-server',
			customerId: 'default',
			customerName: 'Example Ops',
			online: true,
			hourlyRate: '100'
		});
		expect(all.nextCursor).toBe(2);
		const next = await admin.serverTable.query({ limit: 2, sort: 'name', direction: 'desc', cursor: all.nextCursor! });
		expect(next.items.map((s) => s.serverId)).toEqual(['b-1', 'a-2']);
		const byUnbilled = await admin.serverTable.query({ sort: 'unbilled', direction: 'desc', customerId: 'acme' });
		expect(byUnbilled.items.map((s) => s.serverId)).toEqual(['a-1', 'a-2']);
		// each row's unbilled amount is what the server's status says, however the table is sorted (remote servers: no clock)
		for (const row of [...byUnbilled.items, ...next.items.filter((s) => s.serverId !== 'local')])
			expect(row.unbilledMinor, row.serverId).toBe((await admin.billingStatus.query({ serverId: row.serverId })).amountMinor);
		expect(byUnbilled.items[0].unbilledMinor).toBeGreaterThan(byUnbilled.items[1].unbilledMinor);
		const byUptime = await admin.serverTable.query({ sort: 'uptime', customerId: 'beta-corp' });
		expect(byUptime.items.map((s) => [s.serverId, s.uptimeSeconds])).toEqual([
			['b-2', 2 * 3600],
			['b-1', 4 * 3600]
		]);
		const found = await admin.serverTable.query({ search: 'B-', sort: 'customer' });
		expect(found).toMatchObject({ total: 2, nextCursor: null });
		expect(found.items.map((s) => [s.serverId, s.customerName])).toEqual([
			['b-1', 'Beta Corp'],
			['b-2', 'Beta Corp']
		]);
		expect((await admin.serverTable.query({ search: '_' })).total).toBe(0);
	});

	it('a customer pays for all its servers at once; its exports hold only its rows; a server with an open charge stays put', async () => {
		const before = await acme.customerStatus.query();
		const intent = await acme.createPaymentIntent.mutate();
		expect(intent.customerId).toBe('acme');
		// what the portal showed unbilled is the charge's net; 10 % tax on top, rounded once
		expect(intent.netMinor).toBe(before.unbilledMinor);
		expect(intent.taxMinor).toBe(Math.round(before.unbilledMinor / 10));
		expect(intent.amountMinor).toBe(intent.netMinor + intent.taxMinor);
		const status = await acme.customerStatus.query();
		expect(status.openCharge?.id).toBe(intent.chargeId);
		expect(status.canPay).toBe(true);
		const invoice = await admin.createInvoice.mutate({ customerId: 'beta-corp' });
		await expect(admin.updateServer.mutate({ serverId: 'a-1', customerId: 'beta-corp' })).rejects.toMatchObject({
			data: { httpStatus: 409, errorCode: 'CHARGE_PENDING' }
		});
		const row = (await admin.customers.query()).items.find((c) => c.customerId === 'acme')!;
		expect(row).toMatchObject({ openChargeId: intent.chargeId, openChargeMinor: intent.amountMinor });

		const charges = parse(await (await asAcme('/export/charges.csv')).text());
		expect(charges.errors).toEqual([]);
		expect(charges.data).toEqual([
			expect.objectContaining({
				id: String(intent.chargeId),
				server: '',
				customer: 'acme',
				amount_minor: String(intent.amountMinor),
				net_minor: String(intent.netMinor),
				tax_minor: String(intent.taxMinor)
			})
		]);
		expect((await asAcme('/export/charges.csv?serverId=b-1')).status).toBe(404);
		expect((await asAcme('/export/charges.csv?customerId=beta-corp')).status).toBe(404);
		const everything = parse(await (await fetch(url('/export/charges.csv'), { headers: { authorization: `Bearer ${TOKEN}` } })).text());
		expect(everything.data.map((c) => c.id).sort()).toEqual([String(intent.chargeId), String(invoice.chargeId)].sort());
		const byServer = parse(
			await (await fetch(url('/export/charges.csv?serverId=b-1'), { headers: { authorization: `Bearer ${TOKEN}` } })).text()
		);
		expect(byServer.data.map((c) => c.id)).toEqual([String(invoice.chargeId)]);

		const from = iso(now - 24 * HOUR);
		const to = iso(now);
		const usage = parse(await (await asAcme(`/export/usage.csv?from=${from}&to=${to}&bucket=day`)).text());
		const seconds = usage.data.reduce((sum, b) => sum + Number(b.seconds), 0);
		expect(seconds).toBe((5 + 3) * 3600);
		expect((await asAcme(`/export/usage.csv?serverId=b-1&from=${from}&to=${to}`)).status).toBe(404);
	});

	it("opens Stripe's customer portal for the customer, returning to this site", async () => {
		const { url: portal } = await acme.customerPortal.mutate();
		expect(portal).toMatch(/\/billing_portal\/session\/bps_/);
		const request = setup.double.requests.filter((r) => r.path === '/v1/billing_portal/sessions').at(-1)!;
		expect(request.body).toMatchObject({ return_url: `${setup.server.url}/`, locale: 'ja' });
		const customer = setup.double.get(String(request.body.customer)) as { email: string };
		expect(customer.email).toBe('billing@acme.example');
		await expect(acme.customerPortal.mutate({ customerId: 'beta-corp' })).rejects.toMatchObject({ data: { httpStatus: 404 } });
	});

	it("a retired server's heartbeats are refused (409); it keeps its history", async () => {
		await admin.updateServer.mutate({ serverId: 'b-2', retired: true });
		const beat = await fetch(url('/api/trpc/heartbeat'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${agentTokens['b-2']}` },
			body: JSON.stringify({ beats: [{ bootTime: iso(now - 3 * HOUR) }] })
		});
		expect(beat.status).toBe(409);
		expect((await beat.json()).error.data.errorCode).toBe('SERVER_RETIRED');
		const row = (await admin.serverTable.query({ customerId: 'beta-corp' })).items.find((s) => s.serverId === 'b-2')!;
		expect(row).toMatchObject({ retired: true, uptimeSeconds: 2 * 3600 });
		await admin.updateServer.mutate({ serverId: 'b-2', retired: false });
		const back = await fetch(url('/api/trpc/heartbeat'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${agentTokens['b-2']}` },
			body: JSON.stringify({ beats: [{ bootTime: iso(now - 3 * HOUR) }] })
		});
		expect(back.status).toBe(200);
	});
	it('a customer who signs out lands on a page that says how to come back, not on the operator’s alone', async () => {
		const opened = await open((await admin.inviteCustomer.mutate({ customerId: 'acme' })).url);
		const cookie = opened.headers.get('set-cookie')!.split(';')[0];
		const out = await fetch(url('/signout'), { method: 'POST', redirect: 'manual', headers: { cookie, origin: setup.server.url } });
		expect(out.status).toBe(303);
		expect(out.headers.get('location')).toBe('/signin?signedOut=customer');
		const signin = await (await fetch(url('/signin?signedOut=customer'), { headers: { 'accept-language': 'en' } })).text();
		expect(signin).toContain('You are signed out.');
		expect(signin).toContain('Customers: open the sign-in link your provider sent you.');
		// the session is over; the operator's sign-out still lands on the plain sign-in page
		expect((await open(url('/'), { cookie })).status).toBe(303);
		const operator = await fetch(url('/signin'), {
			method: 'POST',
			redirect: 'manual',
			headers: { origin: setup.server.url, 'content-type': 'application/x-www-form-urlencoded' },
			body: `token=${TOKEN}`
		});
		const operatorCookie = operator.headers.get('set-cookie')!.split(';')[0];
		const operatorOut = await fetch(url('/signout'), {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie: operatorCookie, origin: setup.server.url }
		});
		expect(operatorOut.headers.get('location')).toBe('/signin');
	});

	it("revoking a customer's access stops its unused links and ends its sessions, and nobody else's", async () => {
		const opened = await open((await admin.inviteCustomer.mutate({ customerId: 'beta-corp' })).url);
		const beta = createBillingClient(setup.server.url, { headers: { cookie: opened.headers.get('set-cookie')!.split(';')[0] } });
		expect((await beta.customerStatus.query()).customerId).toBe('beta-corp');
		const { url: unused } = await admin.inviteCustomer.mutate({ customerId: 'beta-corp' });
		const pending = async () =>
			(await admin.customers.query({ limit: 100 })).items.find((c) => c.customerId === 'beta-corp')!.pendingInvitations;
		expect(await pending()).toBe(1);

		await expect(acme.revokeCustomerAccess.mutate({ customerId: 'beta-corp' })).rejects.toMatchObject({ data: { httpStatus: 403 } });
		await expect(admin.revokeCustomerAccess.mutate({ customerId: 'nobody' })).rejects.toMatchObject({ data: { httpStatus: 404 } });
		const revoked = await admin.revokeCustomerAccess.mutate({ customerId: 'beta-corp' });
		expect(revoked.invitationsRevoked).toBe(1);
		expect(revoked.sessionsEnded).toBeGreaterThanOrEqual(1);
		// the session is gone at once: the API says 401, the page asks to sign in; the unused link no longer works
		await expect(beta.customerStatus.query()).rejects.toMatchObject({ data: { httpStatus: 401 } });
		const page = await open(url('/'), { cookie: opened.headers.get('set-cookie')!.split(';')[0] });
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toMatch(/^\/signin/);
		expect((await open(unused)).status).toBe(410);
		expect(await pending()).toBe(0);
		// another customer's session is untouched; the servers and their history stay; a new invitation gives access back
		expect((await acme.customerStatus.query()).customerId).toBe('acme');
		expect((await admin.customerStatus.query({ customerId: 'beta-corp' })).servers).toHaveLength(2);
		const again = await open((await admin.inviteCustomer.mutate({ customerId: 'beta-corp' })).url);
		expect(again.status).toBe(200);
	});
});

describe('customers without ADMIN_TOKEN (loopback mode)', () => {
	let setup: BillingSetup;
	beforeAll(async () => {
		setup = await startBilling('sqlite', { MUTATION_RATE_LIMIT: '1000' });
	});
	afterAll(async () => {
		await setup?.close();
	});

	it('an invitation makes the browser that opens it the customer; without its cookie a request is the operator, as before', async () => {
		const operator = setup.client;
		await operator.addCustomer.mutate({ id: 'solo', name: 'Solo', email: 'solo@example.com' });
		await operator.addServer.mutate({ id: 's-1', name: 's-1', customerId: 'solo' });
		const { url } = await operator.inviteCustomer.mutate({ customerId: 'solo' });
		expect(url.startsWith(`${setup.server.url}/invite/`)).toBe(true);
		const opened = await fetch(url, { redirect: 'manual' });
		expect(opened.status).toBe(200);
		const cookie = opened.headers.get('set-cookie')!.split(';')[0];
		const solo = createBillingClient(setup.server.url, { headers: { cookie } });
		expect((await solo.customerStatus.query()).customerId).toBe('solo');
		expect((await solo.billingStatus.query()).serverId).toBe('s-1');
		await expect(solo.billingStatus.query({ serverId: 'local' })).rejects.toMatchObject({ data: { httpStatus: 404 } });
		await expect(solo.addServer.mutate({ id: 's-2', name: 's-2' })).rejects.toMatchObject({ data: { httpStatus: 403 } });
		expect((await operator.billingStatus.query()).serverId).toBe('local');
		// signing out ends the customer's session for good
		const out = await fetch(`${setup.server.url}/signout`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie, origin: setup.server.url }
		});
		expect(out.status).toBe(303);
		expect((await solo.customerStatus.query()).customerId).toBe('default');
	});

	it('slows down guessing invitation links like guessing tokens: 429 after 5 unknown links', async () => {
		const statuses = [];
		for (let i = 0; i < 6; i++) statuses.push((await fetch(`${setup.server.url}/invite/guess-${i}-0123456789abcdef0123456789`)).status);
		expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
		const limited = await fetch(`${setup.server.url}/invite/guess-again-0123456789abcdef0123456789`);
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await limited.text()).toContain('Too many attempts');
	});
});
