/** Injected faults, matched per request by method and path. */
import type { FaultHandle, FaultKind, FaultSpec } from './types';

interface ActiveFault {
	spec: FaultSpec;
	/** matching requests seen since the fault was added */
	seen: number;
	handle: { hits: number };
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
	if (spec.method && spec.method.toUpperCase() !== method) return false;
	if (spec.path === undefined) return true;
	if (typeof spec.path === 'string') return path.startsWith(spec.path);
	spec.path.lastIndex = 0;
	return spec.path.test(path);
}

export class Faults {
	private active: ActiveFault[] = [];

	add(spec: FaultSpec): FaultHandle {
		const nth = spec.nth ?? 1;
		const times = spec.times ?? 1;
		if (!Number.isInteger(nth) || nth < 1) throw new Error('fault: nth must be an integer >= 1');
		if (!Number.isInteger(times) || times < 1) throw new Error('fault: times must be an integer >= 1');
		const fault: ActiveFault = { spec: { ...spec, nth, times }, seen: 0, handle: { hits: 0 } };
		this.active.push(fault);
		return fault.handle;
	}

	/** Counts the request against every matching fault; returns the kind of the first one that fires. */
	take(method: string, path: string): FaultKind | null {
		let fired: FaultKind | null = null;
		for (const fault of this.active) {
			if (!matches(fault.spec, method, path)) continue;
			fault.seen += 1;
			const { nth, times } = fault.spec as Required<FaultSpec>;
			if (fired === null && fault.seen >= nth && fault.seen < nth + times) {
				fault.handle.hits += 1;
				fired = fault.spec.kind;
			}
		}
		return fired;
	}

	clear(): void {
		this.active = [];
	}
}
