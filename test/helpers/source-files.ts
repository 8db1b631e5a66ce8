/** The repository's own source files, for tests that check the code itself (imports, comments). */
import fs from 'fs';
import path from 'path';

/** The repository root (this file runs from dist/test/helpers/). */
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

/** Every file under `dir` whose name ends in one of `extensions`, skipping node_modules and dist. */
export function sourceFiles(dir: string, extensions = ['.ts']): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full, extensions));
    else if (extensions.some((ext) => entry.name.endsWith(ext))) out.push(full);
  }
  return out.sort();
}
