import { spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

export interface TestKeyPair {
  cert: string
  key: string
  der: Uint8Array
  sha256: string
}

export interface TestCerts {
  /** A private CA, and its certificate as PEM text for `ca` options. */
  ca: TestKeyPair
  /** Signed by the CA, names localhost and 127.0.0.1. */
  localhost: TestKeyPair
  /** Signed by the CA, names only otherhost. */
  other: TestKeyPair
  /** Two different self-signed certificates for localhost. */
  selfA: TestKeyPair
  selfB: TestKeyPair
  /** Self-signed for localhost and 127.0.0.1, valid only in 2020. */
  expired: TestKeyPair
  /** Self-signed for localhost and 127.0.0.1, valid only from 2090. */
  notYetValid: TestKeyPair
  /** Self-signed, names only otherhost. */
  selfOther: TestKeyPair
}

export const opensslAvailable = (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, 'openssl')))

let made: TestCerts | null = null

function openssl(dir: string, args: string[]): void {
  const res = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`openssl ${args[0]} failed: ${res.stderr}`)
}

function pair(dir: string, name: string): TestKeyPair {
  const cert = readFileSync(join(dir, `${name}.pem`), 'utf8')
  const x = new X509Certificate(cert)
  return { cert, key: readFileSync(join(dir, `${name}-key.pem`), 'utf8'), der: Uint8Array.from(x.raw), sha256: x.fingerprint256 }
}

/** Certificates for TLS tests, made once per process with the openssl CLI (P-256 keys: fast). */
export function testCerts(): TestCerts {
  if (made) return made
  const dir = mkdtempSync(join(tmpdir(), 'tessera-certs-'))
  try {
    const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
    openssl(dir, [
      'req',
      '-x509',
      ...key,
      '-keyout',
      'ca-key.pem',
      '-out',
      'ca.pem',
      '-days',
      '36500',
      '-subj',
      '/CN=Tessera Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ])
    for (const [name, cn, san] of [
      ['localhost', 'localhost', 'DNS:localhost,IP:127.0.0.1'],
      ['other', 'otherhost', 'DNS:otherhost'],
    ]) {
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`)
      openssl(dir, ['req', ...key, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`])
      openssl(dir, [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca-key.pem',
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '36500',
        '-extfile',
        `${name}.ext`,
      ])
    }
    for (const name of ['selfA', 'selfB']) {
      openssl(dir, [
        'req',
        '-x509',
        ...key,
        '-keyout',
        `${name}-key.pem`,
        '-out',
        `${name}.pem`,
        '-days',
        '36500',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ])
    }
    openssl(dir, [
      'req',
      '-x509',
      ...key,
      '-keyout',
      'selfOther-key.pem',
      '-out',
      'selfOther.pem',
      '-days',
      '36500',
      '-subj',
      '/CN=otherhost',
      '-addext',
      'subjectAltName=DNS:otherhost',
    ])
    // `openssl req` cannot backdate (OpenSSL 3.0 has no -not_before); `openssl ca` can, given a minimal database.
    writeFileSync(join(dir, 'index.txt'), '')
    writeFileSync(join(dir, 'serial'), '01\n')
    writeFileSync(
      join(dir, 'ca.cnf'),
      [
        '[ca]',
        'default_ca = d',
        '[d]',
        'database = index.txt',
        'new_certs_dir = .',
        'serial = serial',
        'default_md = sha256',
        'policy = p',
        'unique_subject = no',
        '[p]',
        'commonName = supplied',
        '[ext]',
        'subjectAltName = DNS:localhost,IP:127.0.0.1',
        'basicConstraints = CA:FALSE',
        '',
      ].join('\n'),
    )
    for (const [name, start, end] of [
      ['expired', '20200101000000Z', '20210101000000Z'],
      ['notYetValid', '20900101000000Z', '20910101000000Z'],
    ]) {
      openssl(dir, ['req', ...key, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', '/CN=localhost'])
      openssl(dir, [
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        '-selfsign',
        '-keyfile',
        `${name}-key.pem`,
        '-in',
        `${name}.csr`,
        '-out',
        `${name}.pem`,
        '-startdate',
        start,
        '-enddate',
        end,
        '-extensions',
        'ext',
        '-notext',
      ])
    }
    made = {
      ca: pair(dir, 'ca'),
      localhost: pair(dir, 'localhost'),
      other: pair(dir, 'other'),
      selfA: pair(dir, 'selfA'),
      selfB: pair(dir, 'selfB'),
      expired: pair(dir, 'expired'),
      notYetValid: pair(dir, 'notYetValid'),
      selfOther: pair(dir, 'selfOther'),
    }
    return made
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
