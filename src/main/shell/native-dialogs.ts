import type { OpenDialogOptions, OpenDialogReturnValue } from 'electron'

/** Electron's dialog.showOpenDialog over one window (passed in so this stays testable). */
export type ShowOpenDialog = (options: OpenDialogOptions) => Promise<OpenDialogReturnValue>

/**
 * The OS folder picker: the folder the user chose, or null when they cancelled. Only a path the
 * picker itself returned comes back, so the window learns nothing it did not let the user pick.
 */
export async function chooseFolder(show: ShowOpenDialog, title: string, current?: string): Promise<string | null> {
  const { canceled, filePaths } = await show({
    title,
    ...(current ? { defaultPath: current } : {}),
    properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
  })
  return canceled ? null : (filePaths[0] ?? null)
}

/**
 * The OS open dialog for one recording (*.fbs): its path, or null when cancelled. Only the path the
 * dialog returned comes back; the host plays it (Host.openRecordingFile), no window names one.
 */
export async function chooseRecordingFile(show: ShowOpenDialog, title: string, filterName: string): Promise<string | null> {
  const { canceled, filePaths } = await show({ title, filters: [{ name: filterName, extensions: ['fbs'] }], properties: ['openFile'] })
  return canceled ? null : (filePaths[0] ?? null)
}
