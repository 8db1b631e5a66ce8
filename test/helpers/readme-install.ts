/** The install commands of README.md's "Install" section, as the e2e install test runs them. */
import fs from 'fs';
import path from 'path';
import { PACKAGE_ROOT } from './node-red-process';

export interface InstallRoute {
  /** The bold lead-in of the paragraph above the block, e.g. "A packed copy". */
  title: string;
  commands: string[];
}

/** The ```sh blocks of the "## Install" section, each with the bold title of the paragraph before it. */
export function readmeInstallRoutes(readme = fs.readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8')): InstallRoute[] {
  const start = readme.indexOf('\n## Install\n');
  if (start < 0) throw new Error('README.md has no "## Install" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const routes: InstallRoute[] = [];
  const block = /\*\*([^*]+)\*\*[^\n]*\n(?:[^\n]+\n)*?\n```sh\n([\s\S]*?)```/g;
  for (let m = block.exec(section); m; m = block.exec(section)) {
    routes.push({ title: m[1].trim(), commands: m[2].split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')) });
  }
  return routes;
}
