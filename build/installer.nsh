; Included by electron-builder's NSIS installer (nsis.include in electron-builder.yml).
; electron-builder's "protocols" setting reaches macOS and Linux only: this registers vnc://
; on Windows. Tessera is always offered as a handler (Settings > Apps > Default apps lists it)
; but takes the scheme itself only when no other program holds it, or when it already did.
; SHELL_CONTEXT is HKCU for a per-user install and HKLM for a per-machine one.

!define TESSERA_PROGID "Tessera.vnc"
!define TESSERA_CAPABILITIES "Software\Tessera\Capabilities"

!macro tesseraWriteHandler KEY EXE
  WriteRegStr SHELL_CONTEXT "Software\Classes\${KEY}" "" "URL:VNC"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${KEY}" "URL Protocol" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\${KEY}\DefaultIcon" "" "${EXE},0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${KEY}\shell\open\command" "" '"${EXE}" "%1"'
!macroend

!macro customInstall
  !insertmacro tesseraWriteHandler "${TESSERA_PROGID}" "$appExe"
  WriteRegStr SHELL_CONTEXT "${TESSERA_CAPABILITIES}" "ApplicationName" "${PRODUCT_NAME}"
  WriteRegStr SHELL_CONTEXT "${TESSERA_CAPABILITIES}" "ApplicationDescription" "${APP_DESCRIPTION}"
  WriteRegStr SHELL_CONTEXT "${TESSERA_CAPABILITIES}\URLAssociations" "vnc" "${TESSERA_PROGID}"
  WriteRegStr SHELL_CONTEXT "Software\RegisteredApplications" "${PRODUCT_NAME}" "${TESSERA_CAPABILITIES}"

  ; HKCR is the merged view: a handler of another viewer, per-user or per-machine, shows here.
  ReadRegStr $0 HKCR "vnc\shell\open\command" ""
  ReadRegStr $1 SHELL_CONTEXT "Software\Classes\vnc\DefaultIcon" ""
  ${if} $0 == ""
  ${orIf} $1 == "$appExe,0"
    !insertmacro tesseraWriteHandler "vnc" "$appExe"
  ${endIf}
!macroend

!macro customUnInstall
  ; An update runs the old uninstaller too: keep the registration for the new version.
  ${ifNot} ${isUpdated}
    ReadRegStr $0 SHELL_CONTEXT "Software\Classes\vnc\shell\open\command" ""
    ${if} $0 == '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
      DeleteRegKey SHELL_CONTEXT "Software\Classes\vnc"
    ${endIf}
    DeleteRegKey SHELL_CONTEXT "Software\Classes\${TESSERA_PROGID}"
    DeleteRegValue SHELL_CONTEXT "Software\RegisteredApplications" "${PRODUCT_NAME}"
    DeleteRegKey SHELL_CONTEXT "${TESSERA_CAPABILITIES}"
    DeleteRegKey /ifempty SHELL_CONTEXT "Software\Tessera"
  ${endIf}
!macroend
