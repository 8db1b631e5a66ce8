// Copies what tsc does not emit (editor .html, locales, icons) next to the built node .js files,
// where the Node-RED loader looks for them.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'dist', 'nodes');
fs.mkdirSync(out, { recursive: true });

// Each dialog gets the shared editor code inline instead of a <script src>: the editor would
// fetch it once per node set and register a set only after its fetch loaded (a fetch that never
// loads stops that set and every set after it), so registration depended on the order and
// success of those loads. Inline, each set registers on its own.
const EDITOR_TAG = '<script type="text/javascript" src="resources/@solar-nodes/node-red-redback/redback-editor.js"></script>';
const editorScript = fs.readFileSync(path.join(root, 'resources', 'redback-editor.js'), 'utf8');
if (/<\/script/i.test(editorScript)) throw new Error('resources/redback-editor.js must not contain "</script" to be inlined');
for (const file of fs.readdirSync(path.join(root, 'nodes'))) {
  if (!file.endsWith('.html')) continue;
  const html = fs.readFileSync(path.join(root, 'nodes', file), 'utf8');
  fs.writeFileSync(path.join(out, file), html.split(EDITOR_TAG).join(`<script type="text/javascript">\n${editorScript}</script>`));
}
fs.cpSync(path.join(root, 'nodes', 'locales'), path.join(out, 'locales'), { recursive: true });
fs.cpSync(path.join(root, 'icons'), path.join(out, 'icons'), { recursive: true });
