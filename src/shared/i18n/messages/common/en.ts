/** Words many screens share: buttons and short states. English is the source every translation follows. */
export default {
  cancel: 'Cancel',
  close: 'Close',
  ok: 'OK',
  save: 'Save',
  connect: 'Connect',
  disconnect: 'Disconnect',
  retry: 'Try again',
  details: 'Details',
  yes: 'Yes',
  no: 'No',
}
