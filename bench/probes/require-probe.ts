/**
 * Run in a fresh node process: `node require-probe.js <package dir>` requires every runtime file
 * the package names under `node-red.nodes` in its package.json, as Node-RED does at start, and
 * prints {"ms", "modules", "cheerio"} as JSON.
 */
import fs from 'fs';
import path from 'path';
import { cheerioLoaded } from './cheerio-loaded';

const dir = path.resolve(process.argv[2] ?? '.');
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
const files = Object.values(manifest['node-red'].nodes).map((file) => path.join(dir, file));
const before = Object.keys(require.cache).length;
const start = process.hrtime.bigint();
for (const file of files) require(file);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ ms, modules: Object.keys(require.cache).length - before, cheerio: cheerioLoaded() }));
