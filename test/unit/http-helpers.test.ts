import should from 'should';
import { backoffDelay, closedError, parseRetryAfter, type BackoffPolicy } from '../../src/http/backoff';
import { sleepOn, systemClock } from '../../src/util/clock';
import { cloudText } from '../../src/http/cloud-text';
import { RedbackError, isRedbackError } from '../../src/http/errors';
import { Redactor } from '../../src/http/redactor';
import { checkUrl, isLoopbackHost } from '../../src/http/url-policy';
import { thrown } from '../helpers/errors';

describe('http helpers', () => {
  describe('backoffDelay', () => {
    const policy = (random: number, base = 100, max = 10_000): BackoffPolicy => ({ baseDelayMs: base, maxDelayMs: max, random: () => random });

    it('doubles the ceiling with each attempt: random 1 gives the ceiling, random 0 half of it', () => {
      should([0, 1, 2, 3, 4].map((a) => backoffDelay(a, policy(1)))).eql([100, 200, 400, 800, 1600]);
      should([0, 1, 2, 3, 4].map((a) => backoffDelay(a, policy(0)))).eql([50, 100, 200, 400, 800]);
    });

    it('jitters within [ceiling/2, ceiling] according to the random source', () => {
      should(backoffDelay(2, policy(0.5))).equal(300); // ceiling 400: 200 + 0.5 * 200
      should(backoffDelay(2, policy(0.25))).equal(250);
      const delays = new Set<number>();
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 10_000, random: Math.random });
        should(d).be.within(400, 800);
        delays.add(d);
      }
      should(delays.size).be.above(20); // actually random, not a fixed delay
    });

    it('caps the ceiling at maxDelayMs, however many attempts', () => {
      should(backoffDelay(10, policy(1, 100, 2000))).equal(2000);
      should(backoffDelay(10, policy(0, 100, 2000))).equal(1000);
      should(backoffDelay(1000, policy(1, 100, 2000))).equal(2000); // 2^1000 is Infinity: still capped
      should(backoffDelay(5, policy(1, 100, 3000))).equal(3000); // 3200 capped
      should(backoffDelay(4, policy(1, 100, 3000))).equal(1600); // below the cap
    });

    it('returns whole milliseconds', () => {
      should(Number.isInteger(backoffDelay(0, policy(0.3333, 7)))).be.true();
    });
  });

  describe('parseRetryAfter', () => {
    const now = Date.parse('2026-01-15T02:00:00Z');

    it('reads delta-seconds', () => {
      should(parseRetryAfter('120', now)).equal(120_000);
      should(parseRetryAfter('0', now)).equal(0);
      should(parseRetryAfter(' 5 ', now)).equal(5000);
    });

    it('reads an HTTP date as the time left until it, never negative', () => {
      should(parseRetryAfter('Thu, 15 Jan 2026 02:00:30 GMT', now)).equal(30_000);
      should(parseRetryAfter('Thursday, 15-Jan-26 02:01:00 GMT', now)).equal(60_000); // RFC 850
      should(parseRetryAfter('Thu, 15 Jan 2026 01:59:00 GMT', now)).equal(0); // in the past
    });

    it('takes the first value of a repeated header', () => {
      should(parseRetryAfter(['3', '99'], now)).equal(3000);
      should(parseRetryAfter(['Thu, 15 Jan 2026 02:00:10 GMT'], now)).equal(10_000);
    });

    it('gives undefined for a missing, empty or unreadable value', () => {
      should(parseRetryAfter(undefined, now)).be.undefined();
      should(parseRetryAfter('', now)).be.undefined();
      should(parseRetryAfter([], now)).be.undefined();
      should(parseRetryAfter('soon', now)).be.undefined();
      should(parseRetryAfter('5 minutes', now)).be.undefined();
    });

    it('does not read numbers that are not delta-seconds as a date (which would mean "retry now")', () => {
      // Date.parse reads each of these as a day in 2001.
      for (const garbage of ['1.5', '-1', 'abc 5', '2 3']) {
        should(parseRetryAfter(garbage, now)).be.undefined();
      }
    });
  });

  describe('sleep on the host clock (the transport\'s waits)', () => {
    it('waits, and rejects with `closed` as soon as the signal aborts', async () => {
      const ac = new AbortController();
      const started = Date.now();
      await sleepOn(systemClock, 30, ac.signal);
      should(Date.now() - started).be.aboveOrEqual(25);
      const long = sleepOn(systemClock, 60_000, ac.signal);
      setTimeout(() => ac.abort(), 20);
      const err = await long.then(
        () => {
          throw new Error('resolved');
        },
        (e: unknown) => e as RedbackError,
      );
      should(err.kind).equal('closed');
      should(Date.now() - started).be.below(1000);
      await sleepOn(systemClock, 10, ac.signal).then(
        () => {
          throw new Error('resolved after abort');
        },
        (e: RedbackError) => should(e.kind).equal('closed'),
      );
    });

    it('closedError is a RedbackError of kind closed', () => {
      const err = closedError();
      should(isRedbackError(err)).be.true();
      should(err.kind).equal('closed');
      should(err.transient).be.false();
    });
  });

  describe('RedbackError', () => {
    it('carries kind, status and retryAfterMs; transient for the kinds that clear up by themselves', () => {
      const err = new RedbackError('rate-limited', 'm', { status: 429, retryAfterMs: 5000 });
      should(err).be.instanceOf(Error);
      should(err.name).equal('RedbackError');
      should(err.message).equal('m');
      should(err.status).equal(429);
      should(err.retryAfterMs).equal(5000);
      for (const kind of ['transient', 'rate-limited', 'timeout', 'network', 'response'] as const) {
        should(new RedbackError(kind, 'x').transient).be.true();
      }
      for (const kind of ['config', 'credentials', 'rejected', 'session', 'closed'] as const) {
        should(new RedbackError(kind, 'x').transient).be.false();
      }
      should(isRedbackError(new Error('x'))).be.false();
    });
  });

  describe('cloudText', () => {
    it('reads an OAuth error', () => {
      should(cloudText('{"error":"invalid_client","error_description":"The client credentials are invalid"}')).equal(
        'invalid_client: The client credentials are invalid',
      );
      should(cloudText('{"error":"unauthorized_client"}')).equal('unauthorized_client');
      should(cloudText('{"error":"Login session expired."}')).equal('Login session expired.');
    });

    it('reads problem details, with detail or the validation `errors`', () => {
      should(cloudText('{"type":"about:blank","title":"Not Found","status":404,"detail":"No site S1"}')).equal('Not Found No site S1');
      should(
        cloudText(JSON.stringify({
          title: 'One or more validation errors occurred.',
          status: 400,
          errors: { SerialNo: ['The SerialNo field is required.'], PowerW: ['Must be positive.', 'Too big.'] },
        })),
      ).equal('One or more validation errors occurred. SerialNo: The SerialNo field is required.; PowerW: Must be positive. Too big.');
      should(cloudText('{"title":"Bad Request","detail":"","errors":{"Id":"bad"}}')).equal('Bad Request Id: bad');
      should(cloudText('{"title":"Conflict"}')).equal('Conflict');
    });

    it('reads ASP.NET Message and the API ErrorMessage / ErrorMsg fields', () => {
      should(cloudText('{"Message":"An error has occurred."}')).equal('An error has occurred.');
      should(cloudText('{"ErrorMessage":"Envelope overlaps","Message":"x"}')).equal('Envelope overlaps');
      should(cloudText('{"message":"lower case"}')).equal('lower case');
      should(cloudText('{"ErrorMsg":"Serial not found"}')).equal('Serial not found');
      should(cloudText('{"Message":""}')).equal('{"Message":""}');
      should(cloudText('{"Data":[1]}')).equal('{"Data":[1]}');
      should(cloudText('"Service Unavailable"')).equal('Service Unavailable');
      should(cloudText('null')).equal('null');
    });

    it('names an HTML page by its title', () => {
      should(cloudText('<!DOCTYPE html><html><head><title> Service Unavailable </title></head><body>x</body></html>')).equal(
        'an HTML page "Service Unavailable"',
      );
      should(cloudText('<html><body><h1>Oops</h1></body></html>')).equal('an HTML page');
      should(cloudText('\n  <HTML><HEAD><TITLE>502 Bad Gateway</TITLE></HEAD></HTML>')).equal('an HTML page "502 Bad Gateway"');
    });

    it('squashes plain text and truncates long text to 200 characters', () => {
      should(cloudText('  Service\n  Unavailable \n')).equal('Service Unavailable');
      const long = 'x'.repeat(500);
      const out = cloudText(long);
      should(out).have.length(200);
      should(out.endsWith('…')).be.true();
      should(cloudText('y'.repeat(200))).equal('y'.repeat(200)); // exactly the limit: untouched
      should(cloudText('y'.repeat(201))).equal(`${'y'.repeat(199)}…`); // one over: cut
      should(cloudText(JSON.stringify({ Message: 'z'.repeat(300) }))).have.length(200);
    });

    it('gives an empty string for an empty body', () => {
      should(cloudText('')).equal('');
      should(cloudText('  \n ')).equal('');
    });
  });

  describe('Redactor', () => {
    it('masks every registered value, longest first', () => {
      const r = new Redactor();
      r.add('s3cret-value', 's3cret-value-longer');
      should(r.clean('a s3cret-value-longer and s3cret-value b')).equal('a *** and *** b');
    });

    it('masks the URL-encoded, form-encoded and JSON-escaped forms of a registered value', () => {
      const r = new Redactor();
      r.add('pa ss/wo"rd!');
      should(r.clean('raw pa ss/wo"rd!')).equal('raw ***');
      should(r.clean(`url ${encodeURIComponent('pa ss/wo"rd!')}`)).equal('url ***'); // pa%20ss%2Fwo%22rd!
      should(r.clean(`form x=${new URLSearchParams({ v: 'pa ss/wo"rd!' }).toString().slice(2)}`)).equal('form x=***'); // pa+ss%2Fwo%22rd%21
      should(r.clean(`json ${JSON.stringify({ v: 'pa ss/wo"rd!' })}`)).equal('json {"v":"***"}');
    });

    it('ignores short, empty and missing values', () => {
      const r = new Redactor();
      r.add('abc', '', null, undefined);
      should(r.clean('abc abcdef')).equal('abc abcdef');
      r.add('abcd');
      should(r.clean('abc abcdef')).equal('abc ***ef');
    });

    it('masks Bearer and Basic credentials', () => {
      const r = new Redactor();
      should(r.clean('Authorization: Bearer eyJhbGciOi.J9-_x~+/=')).equal('Authorization: Bearer ***');
      should(r.clean('authorization: bearer abcdef123456')).equal('authorization: bearer ***');
      should(r.clean('Authorization: Basic dXNlcjpwYXNz')).equal('Authorization: Basic ***');
      should(r.clean('a Bearer abc is too short to be a token')).equal('a Bearer abc is too short to be a token');
    });

    it('masks access_token, client_secret, password and anti-forgery fields in JSON and forms', () => {
      const r = new Redactor();
      should(r.clean('{"access_token":"tok123456","expires_in":3600}')).equal('{"access_token":"***","expires_in":3600}');
      should(r.clean('{"access_token": "tok123456"}')).equal('{"access_token": "***"}');
      should(r.clean('client_id=abc&client_secret=xyz789&x=1')).equal('client_id=abc&client_secret=***&x=1');
      should(r.clean('Email=a%40b.c&Password=hunter22&RememberMe=false')).equal('Email=a%40b.c&Password=***&RememberMe=false');
      should(r.clean('password=hunter22')).equal('password=***');
      should(r.clean('__RequestVerificationToken=CfDJ8abc&x=1')).equal('__RequestVerificationToken=***&x=1');
    });

    it('masks ASP.NET session cookies', () => {
      const r = new Redactor();
      should(r.clean('Cookie: .AspNet.ApplicationCookie=AbC123-xyz_; lang=en')).equal('Cookie: .AspNet.ApplicationCookie=***; lang=en');
      should(r.clean('Set-Cookie: .AspNet.ApplicationCookie=AbC123 path=/')).equal('Set-Cookie: .AspNet.ApplicationCookie=*** path=/');
      should(r.clean('.AspNetCore.Identity.Application=CfDJ8xyz; path=/')).equal('.AspNetCore.Identity.Application=***; path=/');
      should(r.clean('.AspNetCore.Cookies=CfDJ8xyz')).equal('.AspNetCore.Cookies=***');
      should(r.clean('lang=en; theme=dark')).equal('lang=en; theme=dark');
    });

    it('leaves ordinary text alone', () => {
      const r = new Redactor();
      r.add('topsecret');
      const text = 'GET /Api/v2/EnergyData failed: HTTP 503 Service Unavailable';
      should(r.clean(text)).equal(text);
    });
  });

  describe('checkUrl / isLoopbackHost', () => {
    it('accepts https: anywhere, normalised', () => {
      const url = checkUrl('https://api.redbacktech.com', 'API URL');
      should(url).be.instanceOf(URL);
      should(url.href).equal('https://api.redbacktech.com/');
      should(checkUrl('HTTPS://Portal.RedbackTech.com/Account/Login', 'Portal URL').href).equal(
        'https://portal.redbacktech.com/Account/Login',
      );
    });

    it('accepts plain http: only for loopback hosts', () => {
      for (const ok of ['http://127.0.0.1:8123', 'http://127.5.6.7/', 'http://localhost:1880', 'http://LOCALHOST', 'http://[::1]:9000/x']) {
        should(checkUrl(ok, 'API URL')).be.instanceOf(URL);
      }
      should(isLoopbackHost('[::1]')).be.true();
      should(isLoopbackHost('127.0.0.1')).be.true();
      should(isLoopbackHost('128.0.0.1')).be.false();
      should(isLoopbackHost('127.0.0.1.example.com')).be.false();
      should(isLoopbackHost('localhost.example.com')).be.false();
      should(isLoopbackHost('10.0.0.1')).be.false();
    });

    it('refuses http: to anything else, saying https: is required', () => {
      for (const bad of ['http://example.com', 'http://api.redbacktech.com/Api', 'http://10.0.0.5:8080', 'http://127.0.0.1.nip.io', 'http://[::2]']) {
        const err = thrown(() => checkUrl(bad, 'API URL'), RedbackError);
        should(err.kind).equal('config');
        should(err.message).match(/^API URL must use https:/);
      }
    });

    it('refuses other protocols', () => {
      for (const bad of ['ftp://api.redbacktech.com', 'file:///etc/passwd', 'ws://localhost']) {
        const err = thrown(() => checkUrl(bad, 'Portal URL'), RedbackError);
        should(err.kind).equal('config');
        should(err.message).match(/^Portal URL must be an https: URL, got [a-z]+:$/);
      }
    });

    it('refuses a user name or password in the URL, without repeating it', () => {
      for (const bad of ['https://user:hunter22@api.redbacktech.com', 'https://user@api.redbacktech.com', 'http://me:pw@127.0.0.1']) {
        const err = thrown(() => checkUrl(bad, 'API URL'), RedbackError);
        should(err.kind).equal('config');
        should(err.message).equal('API URL must not contain a user name or password');
      }
    });

    it('refuses garbage', () => {
      for (const bad of ['not a url', '', 'api.redbacktech.com', 'https://']) {
        const err = thrown(() => checkUrl(bad, 'Token URL'), RedbackError);
        should(err.kind).equal('config');
        should(err.message).equal(`Token URL "${bad}" is not a valid URL`);
      }
    });

    it('does not repeat a password from a URL it cannot parse', () => {
      const err = thrown(() => checkUrl('https://me:hunter22@api.redback tech.com/x', 'API URL'), RedbackError);
      should(err.kind).equal('config');
      should(err.message).equal('API URL "https://***@api.redback tech.com/x" is not a valid URL');
    });
  });
});

describe('Redactor rotation', () => {
  it('keeps only the current and the previous value of a rotating slot', () => {
    const r = new Redactor();
    r.rotate('access-token', 'token-one-1111');
    r.rotate('access-token', 'token-two-2222');
    r.rotate('access-token', 'token-three-3333');
    r.rotate('cookie', 'cookie-aaaa');
    const text = 'token-one-1111 token-two-2222 token-three-3333 cookie-aaaa';
    should(r.clean(text)).equal('token-one-1111 *** *** ***');
  });
});
