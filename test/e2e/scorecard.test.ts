/** The Flow Library scorecard (node-red-dev validate), run offline by scripts/scorecard.js. */
import { spawnSync } from 'child_process';
import path from 'path';
import should from 'should';

const root = path.join(__dirname, '..', '..', '..');

describe('Flow Library scorecard', function () {
  this.timeout(180_000); // installs node-red-dev on the first run

  it('passes every check', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'scorecard.js'), root], { encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`;
    should(run.status).equal(0, output);
    should(output).containEql('scorecard: all checks pass');
    for (const check of ['Package is MIT licensed', 'Nodes all have unique names', 'Examples found for all nodes', 'All prod dependencies using latest versions']) {
      should(output).containEql(check);
    }
  });
});
