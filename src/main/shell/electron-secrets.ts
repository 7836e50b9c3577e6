import { safeStorage } from 'electron'
import type { SecretCipher } from '../host/secrets'

/** Linux backends that do not really protect anything: no keyring was found. */
const UNPROTECTED_BACKENDS = new Set(['basic_text', 'unknown'])

/**
 * Saved passwords encrypted with Electron's safeStorage (macOS Keychain, Windows DPAPI,
 * libsecret / KWallet on Linux). On Linux without a keyring safeStorage falls back to a fixed
 * key ('basic_text'): we report that as unprotected so the UI defaults to not saving.
 * Call only after the app is ready.
 */
export function safeStorageCipher(): SecretCipher {
  const backend = (): string => {
    if (process.platform === 'darwin') return 'keychain'
    if (process.platform === 'win32') return 'dpapi'
    return safeStorage.getSelectedStorageBackend()
  }
  return {
    available: () => safeStorage.isEncryptionAvailable(),
    protected: () => !UNPROTECTED_BACKENDS.has(backend()),
    backend,
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
  }
}
