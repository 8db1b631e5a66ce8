/** `redback-config`: one Redback account (public API client and, optionally, a portal login). */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { accountSettings, type AccountSettings } from '../src/account/settings';

interface RedbackConfigDef extends NodeDef {
  apiUrl: string;
  portalUrl: string;
  tokenUrl: string;
  tokenScope: string;
}

interface RedbackCredentials {
  clientId?: string;
  clientSecret?: string;
  email?: string;
  password?: string;
}

interface RedbackConfigNode extends Node<RedbackCredentials> {
  settings: AccountSettings;
}

export = function register(RED: NodeAPI): void {
  function RedbackConfig(this: RedbackConfigNode, config: RedbackConfigDef): void {
    RED.nodes.createNode(this, config);
    this.settings = accountSettings(config);
  }

  RED.nodes.registerType<RedbackConfigNode, RedbackConfigDef, unknown, RedbackCredentials>('redback-config', RedbackConfig, {
    credentials: {
      clientId: { type: 'text' },
      clientSecret: { type: 'password' },
      email: { type: 'text' },
      password: { type: 'password' },
    },
  });
};
