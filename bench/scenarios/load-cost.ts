import type { Section } from '../lib/markdown';
export async function loadCostSection(): Promise<Section> { return { title: 'load-cost', method: 'todo', body: '' }; }
