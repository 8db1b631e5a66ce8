/**
 * Comments may cite only documents inside the repository (docs/…): a maintainer with a clone of
 * the project must be able to follow every one. The facts about Redback's cloud live in
 * docs/redback-cloud.md.
 */
import fs from 'fs';
import path from 'path';
import should from 'should';
import { REPO_ROOT, sourceFiles } from '../helpers/source-files';

/** A citation of the reference notes kept outside the repository (the word, then a section sign or a path to a .md file). */
const OUTSIDE = [new RegExp(['reference', '\\s*§'].join(''), 'i'), new RegExp(['reference', '/[\\w-]+\\.md'].join(''), 'i')];

/** The comments of a TypeScript or JavaScript file (line and block), with their line numbers. */
export function comments(text: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = [];
  const pattern = /\/\*[\s\S]*?\*\/|(^|[^:'"`\\])\/\/[^\n]*/g;
  for (const m of text.matchAll(pattern)) {
    const start = m.index! + (m[1]?.length ?? 0);
    found.push({ line: text.slice(0, start).split('\n').length, text: m[0].slice(m[1]?.length ?? 0) });
  }
  return found;
}

export function outsideCitations(file: string, text: string): string[] {
  return comments(text)
    .filter((c) => OUTSIDE.some((re) => re.test(c.text)))
    .map((c) => `${path.relative(REPO_ROOT, file)}:${c.line}: ${c.text.trim().slice(0, 120)}`);
}

describe('comments', () => {
  it('cite no document outside the repository', () => {
    const files = ['src', 'nodes', 'bench', 'test'].flatMap((dir) => sourceFiles(path.join(REPO_ROOT, dir), ['.ts', '.js']));
    should(files.length).be.above(100);
    should(files.flatMap((file) => outsideCitations(file, fs.readFileSync(file, 'utf8')))).eql([]);
  });

  it('the check finds such a citation in a line or a block comment, and not in code', () => {
    const word = ['refer', 'ence'].join(''); // spelt apart, so this file does not cite anything itself
    const sample = [
      `const a = 1; // as ${word} §7.4 says`,
      '/**',
      ` * See ${word.replace('r', 'R')} §5.2 for the shape,`,
      ' */',
      `// details in ${word}/redback-cloud-api.md`,
      `const text = '${word} §1'; // see docs/redback-cloud.md §6.3`,
    ].join('\n');
    should(outsideCitations(path.join(REPO_ROOT, 'x.ts'), sample).map((s) => s.split(':')[1])).eql(['1', '2', '5']);
  });
});
