/*
 * Editor code shared by the Redback nodes' dialogs: field validators, the site and inverter
 * drop-downs and the config dialog's "Test connection". The build (scripts/copy-assets.js) puts
 * it inline in each dialog file, in place of the <script src> that loads it from resources/ in
 * the sources, so each node type registers without waiting for another script. The pure
 * functions are also exported for unit tests under Node.
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.RedbackEditor = api;
})(typeof window !== 'undefined' ? window : this, function () {
  'use strict';

  var SETTING_FIELDS = ['apiUrl', 'portalUrl', 'tokenUrl', 'tokenScope', 'timeoutS'];
  var CREDENTIAL_FIELDS = ['clientId', 'clientSecret', 'email', 'password'];
  var HTTPS_OR_LOOPBACK = /^(https:\/\/[^\s]+|http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/[^\s]*)?)$/i;
  /** The "Add new config node" entry of Node-RED's account select. */
  var ADD_ACCOUNT = '_ADD_';

  function wholeNumberFrom(min, max) {
    return function (value) {
      var text = String(value === undefined || value === null ? '' : value).trim();
      if (!/^-?\d+$/.test(text)) return false;
      var n = Number(text);
      return n >= min && n <= max;
    };
  }

  function isBlank(value) {
    return value === undefined || value === null || String(value).trim() === '';
  }

  var validators = {
    /** Poll interval, seconds. */
    interval: wholeNumberFrom(10, 86400),
    /** Command duration, minutes (Redback's TimeSpan limit for one schedule). */
    duration: wholeNumberFrom(1, 1440),
    /** The price policy's power, watts. */
    powerW: wholeNumberFrom(1, 100000),
    percent: function (value) {
      return !isBlank(value) && Number(value) >= 0 && Number(value) <= 100;
    },
    /** A price threshold in c/kWh, or empty for "never". */
    optionalPrice: function (value) {
      return isBlank(value) || Number.isFinite(Number(value));
    },
    /** Empty (the Node-RED host's zone) or an IANA time zone the browser knows. */
    timeZone: function (value) {
      if (isBlank(value)) return true;
      try {
        new Intl.DateTimeFormat('en-CA', { timeZone: String(value).trim() });
        return true;
      } catch (err) {
        return false;
      }
    },
    /** Per-request timeout, seconds; empty means the default 30. */
    timeoutS: function (value) {
      return isBlank(value) || wholeNumberFrom(1, 300)(value);
    },
    /** Empty, https:, or http: to a loopback address (the bundled simulator). */
    optionalUrl: function (value) {
      return isBlank(value) || HTTPS_OR_LOOPBACK.test(String(value).trim());
    }
  };

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  /** The site drop-down: "every site", the account's sites, and the saved value if the list lacks it. */
  function siteOptions(sites, current, t) {
    var options = [{ value: '', label: t('everySite') }];
    (sites || []).forEach(function (site) {
      var label = site.siteId + ' · ' + plural(site.inverters.length, t('inverter'), t('inverters'));
      if (site.nmi) label += ' · NMI ' + site.nmi;
      options.push({ value: site.siteId, label: label });
    });
    return keepCurrent(options, current, t);
  }

  /**
   * The inverter drop-down: `emptyLabel`, then the inverters of `siteId` (every site's when empty).
   * With `severalLabel` (the control node, whose empty choice means "the only inverter"), the
   * empty choice says so when the list has more than one inverter.
   */
  function inverterOptions(sites, siteId, current, emptyLabel, t, severalLabel) {
    var count = 0;
    (sites || []).forEach(function (site) {
      if (!siteId || site.siteId === siteId) count += site.inverters.length;
    });
    var options = [{ value: '', label: severalLabel && count > 1 ? severalLabel : emptyLabel }];
    (sites || []).forEach(function (site) {
      if (siteId && site.siteId !== siteId) return;
      site.inverters.forEach(function (inverter) {
        options.push({ value: inverter.serial, label: inverter.serial + ' · ' + site.siteId });
      });
    });
    return keepCurrent(options, current, t);
  }

  function keepCurrent(options, current, t) {
    var known = options.some(function (option) { return option.value === current; });
    if (current && !known) options.push({ value: current, label: current + ' ' + t('notListed') });
    return options;
  }

  /** The JSON body for the admin endpoints from a config node's settings and the credentials the editor holds. */
  function accountRequest(id, settings, credentials) {
    var body = { id: id };
    SETTING_FIELDS.forEach(function (key) {
      if (typeof settings[key] === 'string') body[key] = settings[key];
    });
    CREDENTIAL_FIELDS.forEach(function (key) {
      if (credentials && typeof credentials[key] === 'string') body[key] = credentials[key];
    });
    return body;
  }

  /** Text for a successful connection test. */
  function connectionSummary(result, t) {
    var text = t('connected', { sites: plural(result.sites, t('site'), t('sites')), inverters: plural(result.inverters, t('inverter'), t('inverters')) });
    return text + ' ' + (result.portal === 'ok' ? t('portalOk') : t('portalNotConfigured'));
  }

  function errorText(xhr, t) {
    var body = xhr && xhr.responseJSON;
    if (body && typeof body.error === 'string') return body.error;
    if (xhr && (xhr.status === 401 || xhr.status === 403)) return t('forbidden');
    return t('unreachable');
  }

  // ---- browser only below: jQuery and RED are the editor's globals ----

  /** The dialogs' shared strings live in the config node's catalog. */
  function text(key, params) {
    return RED._('@solar-nodes/node-red-redback/redback-config:redback-config.editor.' + key, params);
  }

  function fillSelect($select, options, value) {
    $select.empty();
    options.forEach(function (option) {
      $('<option></option>').val(option.value).text(option.label).appendTo($select);
    });
    $select.val(value);
  }

  /** Shows `message` in `$el` (hidden when empty); `outcome` 'ok' or 'error' colours it and sets data-outcome. */
  function showResult($el, message, outcome) {
    var colour = outcome === 'error' ? 'var(--red-ui-text-color-error, #d6615f)' : outcome === 'ok' ? 'var(--red-ui-text-color-success, #4a8a3f)' : '';
    $el.text(message || '').attr('data-outcome', outcome || '').css('color', colour).toggle(!!message);
  }

  function postJson(url, body) {
    return $.ajax({ url: url, type: 'POST', contentType: 'application/json', data: JSON.stringify(body), dataType: 'json' });
  }

  /**
   * A `validate` for a node's defaults: true, or (from Node-RED 3 on, which passes `opt`) a
   * sentence saying what the field accepts.
   */
  function validator(rule) {
    return function (value, opt) {
      if (validators[rule](value)) return true;
      return opt ? text('invalid.' + rule) : false;
    };
  }

  /** Asks the runtime for an account's sites: a deployed, unchanged account by id, any other from the editor's copy. */
  function fetchSites(accountId) {
    var config = RED.nodes.node(accountId);
    if (!config) return $.Deferred().reject(null, 'no-account').promise();
    var posted = function () {
      return postJson('redback-config/sites', accountRequest(accountId, config, config.credentials));
    };
    if (config.changed) return posted();
    return $.ajax({ url: 'redback-config/' + encodeURIComponent(accountId) + '/sites', dataType: 'json' })
      .then(null, function (xhr) {
        return xhr.status === 404 ? posted() : $.Deferred().reject(xhr).promise();
      });
  }

  /**
   * Makes `#node-input-site` (optional) and `#node-input-serial` selects filled from the chosen
   * account, refreshed when the account changes or the refresh button is pressed.
   */
  function bindSiteChoice(options) {
    var t = text;
    var $account = $('#node-input-account');
    var $site = options.site !== undefined ? $('#node-input-site') : null;
    var $serial = $('#node-input-serial');
    var $message = $('#node-input-redback-sites-message');
    var sites = [];
    var site = options.site;
    var serial = options.serial;

    function render() {
      if ($site) {
        fillSelect($site, siteOptions(sites, site, t), site);
      }
      fillSelect($serial, inverterOptions(sites, $site ? site : '', serial, options.everyInverterLabel, t, options.severalInvertersLabel), serial);
    }
    function say(text, isError) {
      showResult($message, text, isError ? 'error' : null);
    }
    function load() {
      var accountId = $account.val();
      sites = [];
      render();
      if (!accountId || accountId === ADD_ACCOUNT) {
        say(t('chooseAccount'), false);
        return;
      }
      say(t('loading'), false);
      fetchSites(accountId).then(function (body) {
        sites = body.sites || [];
        render();
        say(t('found', { sites: plural(sites.length, t('site'), t('sites')) }), false);
      }, function (xhr) {
        say(t('loadFailed', { reason: xhr ? errorText(xhr, t) : t('chooseAccount') }), true);
      });
    }

    if ($site) {
      $site.on('change', function () {
        site = $site.val() || '';
        render();
      });
    }
    $serial.on('change', function () {
      serial = $serial.val() || '';
    });
    $account.on('change', load);
    $('#node-input-redback-refresh').on('click', load);
    load();
  }

  /** The id of the flow's only Redback account, or null when it has none or several. */
  function onlyAccount() {
    var ids = [];
    RED.nodes.eachConfig(function (config) {
      if (config.type === 'redback-config') ids.push(config.id);
    });
    return ids.length === 1 ? ids[0] : null;
  }

  /** A node added from the palette uses the only account there is (its `onadd`). */
  function preselectAccount(node) {
    if (node.account) return;
    var id = onlyAccount();
    if (id) node.account = id;
  }

  /** The dialog of a node without an account shows the only account there is. */
  function preselectAccountSelect(node) {
    var id = node.account ? null : onlyAccount();
    if (id) $('#node-input-account').val(id);
  }

  /** Wires the config dialog's Test connection button to the admin endpoint. */
  function bindTestConnection(nodeId) {
    var t = text;
    var $result = $('#node-config-input-redback-test-result');
    $('#node-config-input-redback-test').on('click', function () {
      var settings = {};
      var credentials = {};
      SETTING_FIELDS.forEach(function (key) { settings[key] = String($('#node-config-input-' + key).val() || '').trim(); });
      CREDENTIAL_FIELDS.forEach(function (key) { credentials[key] = String($('#node-config-input-' + key).val() || ''); });
      showResult($result, t('testing'), null);
      postJson('redback-config/test', accountRequest(nodeId, settings, credentials)).then(function (body) {
        showResult($result, connectionSummary(body, t), 'ok');
      }, function (xhr) {
        var stage = xhr && xhr.responseJSON && xhr.responseJSON.stage === 'portal' ? t('portalFailed') : t('apiFailed');
        showResult($result, stage + ' ' + errorText(xhr, t), 'error');
      });
    });
  }

  /** The file name the runtime proposes in Content-Disposition, or a default. */
  function attachmentName(header) {
    var match = /filename="([^"]+)"/.exec(header || '');
    return match ? match[1] : 'redback-diagnostics.json';
  }

  /**
   * Wires the config dialog's Download diagnostics button: fetched with the editor's own
   * credentials (a plain link would not carry them), then saved as a file.
   */
  function bindDiagnostics(nodeId) {
    var t = text;
    var $result = $('#node-config-input-redback-diagnostics-result');
    $('#node-config-input-redback-diagnostics').on('click', function () {
      var config = RED.nodes.node(nodeId);
      if (!config || config.changed) {
        showResult($result, t('diagnosticsDeployFirst'), 'error');
        return;
      }
      showResult($result, t('diagnosticsLoading'), null);
      $.ajax({ url: 'redback-config/' + encodeURIComponent(nodeId) + '/diagnostics', dataType: 'text' }).then(function (body, _status, xhr) {
        var name = attachmentName(xhr.getResponseHeader('Content-Disposition'));
        var link = document.createElement('a');
        link.href = URL.createObjectURL(new Blob([body], { type: 'application/json' }));
        link.download = name;
        document.body.appendChild(link);
        link.click();
        setTimeout(function () {
          URL.revokeObjectURL(link.href);
          link.remove();
        }, 1000);
        showResult($result, t('diagnosticsSaved', { file: name }), 'ok');
      }, function (xhr) {
        var reason = xhr && xhr.status === 404 ? t('diagnosticsDeployFirst') : errorText(xhr, t);
        showResult($result, t('diagnosticsFailed', { reason: reason }), 'error');
      });
    });
  }

  return {
    validators: validators,
    attachmentName: attachmentName,
    bindDiagnostics: bindDiagnostics,
    validator: validator,
    siteOptions: siteOptions,
    inverterOptions: inverterOptions,
    accountRequest: accountRequest,
    connectionSummary: connectionSummary,
    errorText: errorText,
    bindSiteChoice: bindSiteChoice,
    preselectAccount: preselectAccount,
    preselectAccountSelect: preselectAccountSelect,
    bindTestConnection: bindTestConnection
  };
});
