import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { downloadBlob } from '../lib/download'
import { useConnectionsStore } from '../stores/connections'
import { useNoticesStore } from '../stores/notices'

/** The export/import passphrase dialog while it is open; `done` resolves its caller when it closes, however it closed. */
export interface AddressBookTransfer {
  mode: 'export' | 'import'
  fileName?: string
  run: (passphrase: string | null) => Promise<void>
  done: () => void
}

/** Our JSON exports with sealed passwords carry a top-level `passwords` block. */
function hasSealedPasswords(text: string): boolean {
  try {
    const data = JSON.parse(text) as unknown
    return !!data && typeof data === 'object' && !Array.isArray(data) && 'passwords' in data
  } catch {
    return false
  }
}

/**
 * The address book's import and export: files chosen in the page are imported one by one (an
 * export with sealed passwords asks for its passphrase first), and every connection is exported
 * as a download. `transfer` is the passphrase dialog to show, `closeTransfer` its close.
 */
export function useAddressBookTransfer() {
  const { t } = useI18n()
  const store = useConnectionsStore()
  const notices = useNoticesStore()
  const transfer = ref<AddressBookTransfer | null>(null)

  function askTransfer(mode: 'export' | 'import', run: (passphrase: string | null) => Promise<void>, fileName?: string): Promise<void> {
    return new Promise((done) => (transfer.value = { mode, fileName, run, done }))
  }

  function closeTransfer(): void {
    transfer.value?.done()
    transfer.value = null
  }

  async function importFiles(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement
    const files = [...(input.files ?? [])]
    input.value = ''
    let added = 0
    for (const f of files) {
      try {
        const text = await f.text()
        if (hasSealedPasswords(text)) {
          // The dialog imports (and reports a wrong passphrase itself); closing it skips the file.
          await askTransfer(
            'import',
            async (passphrase) => {
              added += (await store.importFile(f.name, text, passphrase ?? undefined)).length
            },
            f.name,
          )
        } else {
          added += (await store.importFile(f.name, text)).length
        }
      } catch (e) {
        notices.failed(t('book.notices.importFailed', { file: f.name }), e)
      }
    }
    if (files.length) notices.show('info', t('book.notices.imported', { n: added }, added))
  }

  function exportAll(): void {
    void askTransfer('export', async (passphrase) => {
      const { fileName, text } = await store.exportProfiles(
        store.profiles.map((p) => p.id),
        passphrase ?? undefined,
      )
      downloadBlob(new Blob([text], { type: 'application/json' }), fileName)
    })
  }

  return { transfer, closeTransfer, importFiles, exportAll }
}
