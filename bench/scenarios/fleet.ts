import type { Section } from '../lib/markdown';
export async function fleetSection(): Promise<Section> { return { title: 'fleet', method: 'todo', body: '' }; }
