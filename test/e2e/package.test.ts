/**
 * Keeps the package publishable: the fields the Flow Library scorecard checks (P01-P07, D01),
 * the files the Node-RED loader expects beside each node, and N02 (every non-config node type
 * appears in an example).
 */
import should from 'should';
import fs from 'fs';
import path from 'path';

const root = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nodeFiles: Record<string, string> = pkg['node-red'].nodes;
const EDITOR_SCRIPT = 'resources/@solar-nodes/node-red-redback/redback-editor.js';

function lookUp(catalog: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined), catalog);
}

function registeredTypes(html: string): { type: string; category: string }[] {
  const found: { type: string; category: string }[] = [];
  const re = /RED\.nodes\.registerType\(\s*'([^']+)'\s*,\s*\{[\s\S]*?category:\s*'([^']+)'/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) found.push({ type: m[1], category: m[2] });
  return found;
}

function exampleTypes(dir: string): Set<string> {
  const types = new Set<string>();
  if (!fs.existsSync(dir)) return types;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) exampleTypes(full).forEach((t) => types.add(t));
    else if (entry.name.endsWith('.json')) for (const n of JSON.parse(fs.readFileSync(full, 'utf8'))) types.add(n.type);
  }
  return types;
}

describe('package', () => {
  it('has the fields the Flow Library needs', () => {
    should(pkg.name).match(/^@[a-z\d][\w-.]+\/node-red-[\w-.]+$/);
    should(pkg.license).equal('MIT');
    should(pkg.repository.url).be.a.String();
    should(pkg.bugs.url).be.a.String();
    should(pkg.keywords).containEql('node-red');
    should(pkg['node-red'].version).equal('>=3.0.0');
    should(Object.keys(pkg.dependencies ?? {}).length).be.belowOrEqual(6);
  });

  it('accepts Node 18 to 22 and the minimum Node of Node-RED 5', () => {
    const min = /^>=(\d+)/.exec(pkg.engines.node);
    should(min).be.ok();
    should(Number(min![1])).be.belowOrEqual(18);
    should(pkg.engines.node).not.match(/</);
  });

  it('ships only what a user installs', () => {
    should(pkg.files).eql(['dist/nodes', 'dist/src', 'resources', 'examples', 'data/pricing/PRICE_AND_DEMAND_*.csv', 'data/pricing/SOURCES.md']);
  });

  it('keeps the node icon next to the built nodes, where the loader finds it', () => {
    should(fs.existsSync(path.join(root, 'dist', 'nodes', 'icons', 'redback-inverter.svg'))).be.true();
  });

  it('has, for each node file, the built .js, a literal registerType in its .html, and a message catalog', () => {
    for (const [set, file] of Object.entries(nodeFiles)) {
      const js = path.join(root, file);
      should(fs.existsSync(js)).be.true(`${file} is built`);
      const html = fs.readFileSync(js.replace(/\.js$/, '.html'), 'utf8');
      const types = registeredTypes(html);
      should(types.map((t) => t.type)).containEql(set);
      should(fs.existsSync(path.join(path.dirname(js), 'locales', 'en-US', `${path.basename(js, '.js')}.json`))).be.true();
      should(html).match(new RegExp(`data-template-name="${set}"`));
      const help = fs.readFileSync(path.join(path.dirname(js), 'locales', 'en-US', `${path.basename(js, '.js')}.html`), 'utf8');
      should(help).match(new RegExp(`data-help-name="${set}"`));
      // The shared editor code is inline (scripts/copy-assets.js), so no set waits for a fetch.
      should(html).not.containEql(`src="${EDITOR_SCRIPT}"`);
      should(html).containEql('root.RedbackEditor = api');
    }
    should(fs.existsSync(path.join(root, 'resources', path.basename(EDITOR_SCRIPT)))).be.true();
  });

  it('takes every editor string from locales/en-US', () => {
    for (const [set, file] of Object.entries(nodeFiles)) {
      const js = path.join(root, file);
      const html = fs.readFileSync(js.replace(/\.js$/, '.html'), 'utf8');
      const catalog = JSON.parse(fs.readFileSync(path.join(path.dirname(js), 'locales', 'en-US', `${set}.json`), 'utf8'));
      const keys = [
        ...[...html.matchAll(/data-i18n="(?:\[\w+\])?([^"]+)"/g)].map((m) => m[1]),
        ...[...html.matchAll(/this\._\('([^']+)'/g)].map((m) => m[1]),
      ];
      should(keys.length).be.above(5);
      for (const key of keys) {
        // A key built at run time ('….outputs.' + name) names a group of strings.
        const expected = key.endsWith('.') ? 'object' : 'string';
        should(typeof lookUp(catalog, key.replace(/\.$/, ''))).equal(expected, `${set}: ${key} is in the catalog`);
      }
      const template = /<script type="text\/html" data-template-name[^>]*>([\s\S]*?)<\/script>/.exec(html)![1];
      const bareText = template.replace(/<option value="(\d+)">\1<\/option>/g, '').replace(/<[^>]+>/g, '').trim();
      should(bareText).equal('', `${set}'s dialog has text outside the catalog`);
    }
    const shared = JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'locales', 'en-US', 'redback-config.json'), 'utf8'));
    const editorScript = fs.readFileSync(path.join(root, 'resources', path.basename(EDITOR_SCRIPT)), 'utf8');
    for (const [, key] of editorScript.matchAll(/\bt\('(\w+)'/g)) should(typeof lookUp(shared, `redback-config.editor.${key}`)).equal('string', key);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const rules = Object.keys(require(path.join(root, 'resources', path.basename(EDITOR_SCRIPT))).validators);
    for (const rule of rules) should(typeof lookUp(shared, `redback-config.editor.invalid.${rule}`)).equal('string', rule);
  });

  it('shows every non-config node type in an example flow', () => {
    const inExamples = exampleTypes(path.join(root, 'examples'));
    for (const file of Object.values(nodeFiles)) {
      const html = fs.readFileSync(path.join(root, file).replace(/\.js$/, '.html'), 'utf8');
      for (const { type, category } of registeredTypes(html)) {
        if (category !== 'config') should(inExamples.has(type)).be.true(`${type} appears in an example`);
      }
    }
  });

  it('keeps secrets in password-type credentials', () => {
    const html = fs.readFileSync(path.join(root, 'nodes', 'redback-config.html'), 'utf8');
    should(html).match(/clientSecret:\s*\{\s*type:\s*'password'\s*\}/);
    should(html).match(/password:\s*\{\s*type:\s*'password'\s*\}/);
    const runtime = fs.readFileSync(path.join(root, 'nodes', 'redback-config.ts'), 'utf8');
    should(runtime).match(/clientSecret:\s*\{\s*type:\s*'password'\s*\}/);
    should(runtime).match(/password:\s*\{\s*type:\s*'password'\s*\}/);
  });
});
