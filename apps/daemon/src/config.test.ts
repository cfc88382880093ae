import { describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';

describe('readConfig', () => {
  it('uses the embedded defaults with no flags and no environment', () => {
    expect(readConfig([], {})).toMatchObject({
      port: 7420,
      host: '127.0.0.1',
      dataDir: './.once',
      provider: 'demo',
      demoDelayMs: 15,
      demoTokens: 120,
      coalesceMs: 0,
      approvalTimeoutMs: 300_000,
      heartbeatMs: 15_000,
      leaseMs: 5_000,
    });
  });

  it('reads the lease length, and refuses one too short to renew in time', () => {
    expect(readConfig([], { ONCE_LEASE_MS: '1500' }).leaseMs).toBe(1500);
    expect(readConfig(['--lease-ms', '800'], { ONCE_LEASE_MS: '1500' }).leaseMs).toBe(800);
    expect(() => readConfig(['--lease-ms', '50'], {})).toThrow(/--lease-ms="50" is not valid/);
  });

  it('reads --compact-after and --retention as durations, unset by default, and refuses one without a unit', () => {
    expect(readConfig([], {}).compactAfterMs).toBeUndefined();
    expect(readConfig([], { ONCE_COMPACT_AFTER: '12h' }).compactAfterMs).toBe(43_200_000);
    expect(readConfig(['--compact-after', '7d'], { ONCE_COMPACT_AFTER: '12h' }).compactAfterMs).toBe(604_800_000);
    expect(readConfig(['--compact-after', '90s'], {}).compactAfterMs).toBe(90_000);
    expect(() => readConfig(['--compact-after', '3600'], {})).toThrow(
      /--compact-after="3600" is not valid: .*30s, 12h, 7d/,
    );
    expect(() => readConfig([], { ONCE_COMPACT_AFTER: '-1d' })).toThrow(/ONCE_COMPACT_AFTER="-1d" is not valid/);
    expect(readConfig([], {}).retentionMs).toBeUndefined();
    expect(readConfig(['--retention', '30d'], {}).retentionMs).toBe(2_592_000_000);
    expect(readConfig([], { ONCE_RETENTION: '1h' }).retentionMs).toBe(3_600_000);
    expect(() => readConfig(['--retention', 'forever'], {})).toThrow(/--retention="forever" is not valid/);
  });

  it('reads every setting from its environment variable, and a flag wins over it', () => {
    const env = {
      ONCE_PORT: '8000',
      ONCE_HOST: '0.0.0.0',
      ONCE_DEMO_TOKENS: '7',
      ONCE_PROVIDER: 'openai',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      ONCE_HEARTBEAT_MS: '250',
    };
    expect(readConfig(['--port', '7555', '--data-dir', '/tmp/x'], env)).toMatchObject({
      port: 7555,
      host: '0.0.0.0',
      dataDir: '/tmp/x',
      demoTokens: 7,
      provider: 'openai',
      baseUrl: 'http://127.0.0.1:11434/v1',
      heartbeatMs: 250,
    });
  });

  it('reads the config file from ONCE_CONFIG, and --config wins over it', () => {
    expect(readConfig([], {}).configFile).toBeUndefined();
    expect(readConfig([], { ONCE_CONFIG: 'team.config.ts' }).configFile).toBe('team.config.ts');
    expect(readConfig(['--config', 'mine.config.ts'], { ONCE_CONFIG: 'team.config.ts' }).configFile).toBe(
      'mine.config.ts',
    );
  });

  it('reads the upstream of --provider ui-stream: its URL, headers (repeated flags, or lines of ONCE_UPSTREAM_HEADERS) and timeout', () => {
    const url = 'http://127.0.0.1:3000/api/chat';
    expect(
      readConfig(
        [
          '--provider',
          'ui-stream',
          '--upstream-url',
          url,
          '--upstream-header',
          'Authorization: Bearer k',
          '--upstream-header',
          'X-Team:  a, b',
        ],
        { ONCE_UPSTREAM_HEADERS: 'X-Ignored: yes' },
      ),
    ).toMatchObject({
      provider: 'ui-stream',
      upstreamUrl: url,
      upstreamHeaders: { authorization: 'Bearer k', 'x-team': 'a, b' },
      upstreamTimeoutMs: 120_000,
    });
    expect(
      readConfig([], {
        ONCE_PROVIDER: 'ui-stream',
        ONCE_UPSTREAM_URL: url,
        ONCE_UPSTREAM_HEADERS: 'Authorization: Bearer k\nAccept-Language: en, fr\n',
        ONCE_UPSTREAM_TIMEOUT_MS: '5000',
      }),
    ).toMatchObject({
      upstreamHeaders: { authorization: 'Bearer k', 'accept-language': 'en, fr' },
      upstreamTimeoutMs: 5000,
    });
    expect(readConfig([], {}).upstreamHeaders).toEqual({});
  });

  it.each([
    [['--provider', 'ui-stream'], {}, '--provider ui-stream needs --upstream-url'],
    [
      ['--provider', 'ui-stream', '--upstream-url', 'localhost:3000'],
      {},
      '--upstream-url="localhost:3000" is not valid: must be an http(s) URL',
    ],
    [
      [],
      { ONCE_PROVIDER: 'ui-stream', ONCE_UPSTREAM_URL: 'ftp://x/chat' },
      'ONCE_UPSTREAM_URL="ftp://x/chat" is not valid',
    ],
    [['--upstream-url', 'http://127.0.0.1:3000/api/chat'], {}, '--upstream-url is read only with --provider ui-stream'],
    [
      ['--provider', 'ui-stream', '--upstream-url', 'http://x/chat', '--upstream-header', 'Bearer k'],
      {},
      '--upstream-header takes headers as "Name: value"; "Bearer k" is not one.',
    ],
    [
      ['--provider', 'ui-stream', '--upstream-url', 'http://x/chat', '--upstream-timeout-ms', '10'],
      {},
      '--upstream-timeout-ms="10" is not valid',
    ],
  ])('refuses the upstream settings %j %j in one sentence', (args, env, words) => {
    expect(() => readConfig(args as string[], env)).toThrow(words);
  });

  it('parses auth tokens into token → account', () => {
    const config = readConfig(['--auth-tokens', 't1=alice,t2=bob'], {});
    expect([...(config.authTokens ?? [])]).toEqual([
      ['t1', 'alice'],
      ['t2', 'bob'],
    ]);
  });

  it('reads the CORS origins, comma-separated, from the flag or ONCE_CORS_ORIGINS; unset: none', () => {
    expect(readConfig([], {}).corsOrigins).toBeUndefined();
    expect(readConfig(['--cors-origins', 'http://localhost:3000, https://App.example.com/'], {}).corsOrigins).toEqual([
      'http://localhost:3000',
      'https://app.example.com',
    ]);
    expect(
      readConfig(['--cors-origins', 'https://b.example'], { ONCE_CORS_ORIGINS: 'https://a.example' }).corsOrigins,
    ).toEqual(['https://b.example']);
    expect(readConfig(['--auth-tokens', 't=alice'], { ONCE_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  it.each([
    [['--cors-origins', 'example.com'], {}, '--cors-origins is not valid: The CORS origin "example.com" has no scheme'],
    [[], { ONCE_CORS_ORIGINS: 'https://a.example/app' }, 'ONCE_CORS_ORIGINS is not valid: The CORS origin'],
    [['--cors-origins', ' , '], {}, '--cors-origins is not valid: The list of CORS origins is empty'],
    [['--cors-origins', '*'], {}, '--cors-origins=* lets every web page call this daemon, so it needs --auth-tokens'],
  ])('refuses the CORS origins %j %j in one sentence', (args, env, words) => {
    expect(() => readConfig(args as string[], env)).toThrow(words);
  });

  it('reads the attachment limits from the flags or ONCE_ATTACHMENT_*; unset: 20 MiB and the default types', () => {
    expect(readConfig([], {}).attachmentMaxBytes).toBe(20 * 1024 * 1024);
    expect(readConfig([], {}).attachmentTypes).toBeUndefined();
    expect(readConfig(['--attachment-max-bytes', '1000'], {}).attachmentMaxBytes).toBe(1000);
    expect(readConfig([], {}).attachmentGraceMs).toBe(86_400_000);
    expect(readConfig(['--attachment-grace', '90m'], {}).attachmentGraceMs).toBe(5_400_000);
    expect(readConfig([], { ONCE_ATTACHMENT_TYPES: 'image/PNG, text/plain' }).attachmentTypes).toEqual([
      'image/png',
      'text/plain',
    ]);
    expect(() => readConfig(['--attachment-types', 'png'], {})).toThrow(
      '--attachment-types="png" is not valid: 0: a media type looks like image/png',
    );
    expect(() => readConfig([], { ONCE_ATTACHMENT_MAX_BYTES: '0' })).toThrow(
      'ONCE_ATTACHMENT_MAX_BYTES="0" is not valid',
    );
  });

  it.each([
    [['--port', 'abc'], {}, '--port="abc" is not valid'],
    [[], { ONCE_PORT: '70000' }, 'ONCE_PORT="70000" is not valid'],
    [['--provider', 'gemini'], {}, '--provider="gemini" is not valid'],
    [[], { ONCE_AUTH_TOKENS: 'oops' }, 'must look like "token=account'],
    [['--database-url', 'mysql://x'], {}, 'must be a postgres:// URL'],
    [['--heartbeat-ms', '5'], {}, '--heartbeat-ms="5" is not valid'],
  ])('refuses %j %j with a sentence naming the setting', (args, env, words) => {
    expect(() => readConfig(args as string[], env)).toThrow(words);
  });

  it('refuses an unknown flag', () => {
    expect(() => readConfig(['--colour', 'blue'], {})).toThrow(/colour/);
  });
});
