/** The layers of src/ point one way: no module reaches itself through its imports (type imports included). */
import fs from 'fs';
import os from 'os';
import path from 'path';
import should from 'should';
import { sourceFiles, REPO_ROOT } from '../helpers/source-files';

const SRC = path.join(REPO_ROOT, 'src');

/** The relative modules a file imports or re-exports, as paths of .ts files. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3])
    .filter((spec) => spec.startsWith('.'));
  return specifiers.map((spec) => {
    const base = path.resolve(path.dirname(file), spec);
    const candidates = [`${base}.ts`, path.join(base, 'index.ts')];
    const found = candidates.find((c) => fs.existsSync(c));
    if (!found) throw new Error(`${path.relative(REPO_ROOT, file)} imports ${spec}, which is not a .ts file`);
    return found;
  });
}

/** Every cycle's modules, as repository paths (one entry per cycle found by a depth-first walk). */
export function importCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => path.relative(REPO_ROOT, f)));
      else if (!state.has(next) && graph.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles;
}

describe('imports in src/', () => {
  const files = sourceFiles(SRC);

  it('form no cycle', () => {
    should(files.length).be.above(50);
    should(importCycles(files)).eql([]);
  });

  it('the check finds a cycle when there is one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cycle-check-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = B;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "import { c } from './c';\nexport type B = typeof c;\n");
      fs.writeFileSync(path.join(dir, 'c.ts'), "export { a } from './a';\nexport const c = 1;\n");
      const cycles = importCycles(sourceFiles(dir));
      should(cycles).have.length(1);
      should(cycles[0].map((f) => path.basename(f))).eql(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('src/ never imports Node-RED', () => {
    const offenders = files.filter((f) => /from\s*['"](node-red|@node-red\/[^'"]*)['"]/.test(fs.readFileSync(f, 'utf8')));
    should(offenders.map((f) => path.relative(REPO_ROOT, f))).eql([]);
  });
});
