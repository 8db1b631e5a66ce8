/** `redback-config`: one Redback account (public API client and, optionally, a portal login). */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { RedbackAccount, type AccountCredentials } from '../src/account/account';
import { AccountHolder, type AccountProvider } from '../src/account/account-holder';
import { accountSettings, isValidTimeout, MAX_TIMEOUT_S, MIN_TIMEOUT_S, type AccountSettings } from '../src/account/settings';
import { listSites, listSitesFor, type SiteListingRequest } from '../src/account/site-listing';
import { checkUrl } from '../src/http/url-policy';
import { testConnection } from '../src/account/connection-test';
import { refuseAdminRequest, storedCredentialsFor } from '../src/account/admin-guard';
import { diagnosticsFile, diagnosticsFileName } from '../src/diagnostics/file';
import { DiagnosticsRecorder } from '../src/diagnostics/recorder';

interface RedbackConfigDef extends NodeDef {
  apiUrl: string;
  portalUrl: string;
  tokenUrl: string;
  tokenScope: string;
  timeoutS?: number | string;
}

interface RedbackConfigNode extends Node<AccountCredentials>, AccountProvider {
  settings: AccountSettings;
  /** The account for the editor's site list, kept a while after (see AccountHolder.lend). */
  lendAccount(): RedbackAccount;
  /** What this node's accounts saw of the cloud, for the diagnostics file. */
  recorder: DiagnosticsRecorder;
}

/** Below Node-RED's 15 s close timeout. */
const USERS_CLOSE_TIMEOUT_MS = 10_000;
/** How long the editor's site list keeps an account no node holds (its token and cached sites). */
const EDITOR_KEEP_MS = 5 * 60_000;

export = function register(RED: NodeAPI): void {
  function RedbackConfig(this: RedbackConfigNode, config: RedbackConfigDef): void {
    RED.nodes.createNode(this, config);
    this.settings = accountSettings(config);
    for (const [url, setting] of [[this.settings.apiUrl, 'API URL'], [this.settings.portalUrl, 'Portal URL'], [this.settings.tokenUrl, 'Token URL']]) {
      try {
        checkUrl(url, setting);
      } catch (err) {
        this.error((err as Error).message);
      }
    }
    if (!isValidTimeout(config.timeoutS)) {
      this.error(`Timeout "${String(config.timeoutS)}" is not a whole number of seconds from ${MIN_TIMEOUT_S} to ${MAX_TIMEOUT_S}; using ${this.settings.timeoutS} s`);
    }
    this.recorder = new DiagnosticsRecorder();
    const holder = new AccountHolder(() => new RedbackAccount({ settings: this.settings, credentials: this.credentials ?? {}, recorder: this.recorder }));
    this.acquire = (user) => holder.acquire(user.id);
    this.release = (user) => holder.release(user.id);
    this.lendAccount = () => holder.lend(EDITOR_KEEP_MS);
    this.on('close', (_removed: boolean, done: () => void) => {
      void holder.closeWhenReleased(USERS_CLOSE_TIMEOUT_MS).then(() => done());
    });
  }

  RED.nodes.registerType<RedbackConfigNode, RedbackConfigDef, unknown, AccountCredentials>('redback-config', RedbackConfig, {
    credentials: {
      clientId: { type: 'text' },
      clientSecret: { type: 'password' },
      email: { type: 'text' },
      password: { type: 'password' },
    },
  });

  const canRead = RED.auth.needsPermission('redback-config.read');
  // Posting settings makes Node-RED contact the URLs they name: only for users who may change flows.
  const canWrite = RED.auth.needsPermission('redback-config.write');

  // The sites and inverters of a deployed account, for the read and control dialogs.
  /** Refuses a cross-site or non-JSON admin request; true when it did. */
  function refused(req: { headers: Record<string, string | string[] | undefined> }, res: { status(n: number): { json(b: unknown): void } }, withBody: boolean): boolean {
    const refusal = refuseAdminRequest(req.headers, withBody);
    if (refusal) res.status(refusal.status).json(refusal.body);
    return refusal !== null;
  }

  // The sites and inverters of a deployed account, for the read and control dialogs.
  RED.httpAdmin.get('/redback-config/:id/sites', canRead, (req, res) => {
    if (refused(req, res, false)) return;
    const node = RED.nodes.getNode(String(req.params.id)) as RedbackConfigNode | null;
    if (!node || node.type !== 'redback-config') {
      res.status(404).json({ error: 'no deployed Redback account with this id; deploy it first', kind: 'config' });
      return;
    }
    void listSites(() => node.lendAccount().sites()).then((result) => res.status(result.status).json(result.body));
  });

  // The config dialog's "Download diagnostics": what this deployed account saw of the cloud,
  // with secrets and personal data removed (docs/diagnostics.md).
  RED.httpAdmin.get('/redback-config/:id/diagnostics', canWrite, (req, res) => {
    if (refused(req, res, false)) return;
    const node = RED.nodes.getNode(String(req.params.id)) as RedbackConfigNode | null;
    if (!node || node.type !== 'redback-config') {
      res.status(404).json({ error: 'no deployed Redback account with this id; deploy it first', kind: 'config' });
      return;
    }
    void nodeRedVersion().then((nodeRed) => {
      const file = diagnosticsFile({
        settings: node.settings, credentials: node.credentials ?? {}, recorder: node.recorder, nodeRedVersion: String(nodeRed),
      });
      res.set('Content-Disposition', `attachment; filename="${diagnosticsFileName()}"`);
      res.set('Cache-Control', 'no-store');
      res.status(200).json(file);
    }, () => res.status(500).json({ error: 'the diagnostics could not be made', kind: 'internal' }));
  });

  /** RED.version() gives a string or a promise, depending on the runtime (and none in some test runtimes). */
  async function nodeRedVersion(): Promise<string> {
    try {
      const version = typeof RED.version === 'function' ? await (RED.version() as unknown) : RED.version;
      return typeof version === 'string' && version !== '' ? version : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  /**
   * A dialog's settings and credentials, and those stored credentials of the deployed node it
   * edits that may go to the URLs the dialog names (only the URLs they were stored with).
   */
  function dialogAccount(body: unknown): [SiteListingRequest, AccountCredentials | undefined] {
    const fields = (body ?? {}) as Record<string, unknown>;
    const request: SiteListingRequest = {};
    for (const key of ['apiUrl', 'portalUrl', 'tokenUrl', 'tokenScope', 'timeoutS', 'clientId', 'clientSecret', 'email', 'password'] as const) {
      if (typeof fields[key] === 'string') request[key] = fields[key];
    }
    const node = typeof fields.id === 'string' ? (RED.nodes.getNode(fields.id) as RedbackConfigNode | null) : null;
    if (!node || node.type !== 'redback-config') return [request, undefined];
    return [request, storedCredentialsFor(request, node.settings, node.credentials)];
  }

  // The same for settings typed into a config dialog, deployed or not; secrets left empty come
  // from the stored credentials of the node with that id.
  RED.httpAdmin.post('/redback-config/sites', canWrite, (req, res) => {
    if (refused(req, res, true)) return;
    void listSitesFor(...dialogAccount(req.body)).then((result) => res.status(result.status).json(result.body));
  });

  // The config dialog's "Test connection".
  RED.httpAdmin.post('/redback-config/test', canWrite, (req, res) => {
    if (refused(req, res, true)) return;
    void testConnection(...dialogAccount(req.body)).then((result) => res.status(result.status).json(result.body));
  });
};
