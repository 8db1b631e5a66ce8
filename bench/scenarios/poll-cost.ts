import type { Section } from '../lib/markdown';
export async function pollCostSection(): Promise<Section> { return { title: 'poll-cost', method: 'todo', body: '' }; }
