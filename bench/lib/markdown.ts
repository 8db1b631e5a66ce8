/** Markdown tables for BENCHMARKS.md. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]): string => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One section of the report: a heading, what was done, and its tables. */
export interface Section {
  title: string;
  method: string;
  body: string;
}

export function renderSection(section: Section): string {
  return `## ${section.title}\n\n${section.method.trim()}\n\n${section.body.trim()}\n`;
}
