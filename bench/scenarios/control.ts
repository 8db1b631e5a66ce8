import type { Section } from '../lib/markdown';
export async function controlSection(): Promise<Section> { return { title: 'control', method: 'todo', body: '' }; }
