/** The config dialog's pure editor helpers added with diagnostics and the timeout setting. */
import should from 'should';
import path from 'path';

// The editor script is plain JavaScript in resources/, exported for Node as well.
const editor = require(path.join(__dirname, '..', '..', '..', 'resources', 'redback-editor.js')) as {
  attachmentName(header: string | null): string;
  validators: Record<string, (value: unknown) => boolean>;
  accountRequest(id: string, settings: Record<string, unknown>, credentials: Record<string, unknown>): Record<string, unknown>;
};

describe('editor: diagnostics and timeout helpers', () => {
  it('takes the download name from Content-Disposition', () => {
    should(editor.attachmentName('attachment; filename="redback-diagnostics-2026-01-15T0200.json"')).equal('redback-diagnostics-2026-01-15T0200.json');
    should(editor.attachmentName(null)).equal('redback-diagnostics.json');
  });

  it('accepts a timeout of 1 to 300 whole seconds, or empty for the default', () => {
    for (const ok of ['', '1', '30', '300', 45]) should(editor.validators.timeoutS(ok)).be.true();
    for (const bad of ['0', '301', '1.5', 'abc', '-3']) should(editor.validators.timeoutS(bad)).be.false();
  });

  it('sends the typed timeout with the dialog\'s settings', () => {
    should(editor.accountRequest('acc', { apiUrl: 'https://x', timeoutS: '45' }, {})).eql({ id: 'acc', apiUrl: 'https://x', timeoutS: '45' });
  });
});
