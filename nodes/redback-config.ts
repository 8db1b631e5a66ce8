/** `redback-config`: one Redback account (public API client and, optionally, a portal login). */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { RedbackAccount, type AccountCredentials } from '../src/account/account';
import { AccountHolder, type AccountProvider } from '../src/account/account-holder';
import { accountSettings, isValidTimeout, MAX_TIMEOUT_S, MIN_TIMEOUT_S, type AccountSettings } from '../src/account/settings';
import { listSites, listSitesFor, type SiteListingRequest } from '../src/account/site-listing';
import { checkUrl } from '../src/http/url-policy';
import { testConnection } from '../src/account/connection-test';

interface RedbackConfigDef extends NodeDef {
  apiUrl: string;
  portalUrl: string;
  tokenUrl: string;
  tokenScope: string;
  timeoutS?: number | string;
}

interface RedbackConfigNode extends Node<AccountCredentials>, AccountProvider {
  settings: AccountSettings;
}

/** Below Node-RED's 15 s close timeout. */
const USERS_CLOSE_TIMEOUT_MS = 10_000;

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
    const holder = new AccountHolder(() => new RedbackAccount({ settings: this.settings, credentials: this.credentials ?? {} }));
    this.acquire = (user) => holder.acquire(user.id);
    this.release = (user) => holder.release(user.id);
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
  RED.httpAdmin.get('/redback-config/:id/sites', canRead, (req, res) => {
    const node = RED.nodes.getNode(String(req.params.id)) as RedbackConfigNode | null;
    if (!node || node.type !== 'redback-config') {
      res.status(404).json({ error: 'no deployed Redback account with this id; deploy it first', kind: 'config' });
      return;
    }
    const user = { id: `admin-${Date.now()}-${Math.random()}` };
    void listSites(async () => {
      try {
        return await node.acquire(user).sites();
      } finally {
        node.release(user);
      }
    }).then((result) => res.status(result.status).json(result.body));
  });

  /** A dialog's settings and credentials, and the stored credentials of the node it edits, if any. */
  function dialogAccount(body: unknown): [SiteListingRequest, AccountCredentials | undefined] {
    const fields = (body ?? {}) as Record<string, unknown>;
    const stored = typeof fields.id === 'string' ? (RED.nodes.getCredentials(fields.id) as AccountCredentials | undefined) : undefined;
    const request: SiteListingRequest = {};
    for (const key of ['apiUrl', 'portalUrl', 'tokenUrl', 'tokenScope', 'timeoutS', 'clientId', 'clientSecret', 'email', 'password'] as const) {
      if (typeof fields[key] === 'string') request[key] = fields[key];
    }
    return [request, stored];
  }

  // The same for settings typed into a config dialog, deployed or not; secrets left empty come
  // from the stored credentials of the node with that id.
  RED.httpAdmin.post('/redback-config/sites', canWrite, (req, res) => {
    void listSitesFor(...dialogAccount(req.body)).then((result) => res.status(result.status).json(result.body));
  });

  // The config dialog's "Test connection".
  RED.httpAdmin.post('/redback-config/test', canWrite, (req, res) => {
    void testConnection(...dialogAccount(req.body)).then((result) => res.status(result.status).json(result.body));
  });
};
