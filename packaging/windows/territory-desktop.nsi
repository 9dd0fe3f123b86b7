; Territory Desktop installer for Windows (NSIS 3, Unicode; makensis runs on Windows and Linux alike).
;
;   makensis -DVERSION=0.1.0 -DSOURCE_DIR=%CD%\dist\territory-desktop ^
;            -DOUTFILE=%CD%\dist\territory-desktop-0.1.0-setup.exe packaging\windows\territory-desktop.nsi
;
; (`python packaging/build.py --nsis` does this.) makensis works in this script's folder: give SOURCE_DIR
; and OUTFILE as absolute paths.
;
; Per-user install without administrator rights (RequestExecutionLevel user): files go to
; %LOCALAPPDATA%\Programs\Territory Desktop, the Start-menu entry to the user's Start menu, and the .territory
; file association, the uninstaller entry ("Apps & features") and everything else to HKEY_CURRENT_USER.
; The uninstaller removes all of it and tells Explorer the associations changed; the user's plans, settings
; and recovery journals (in their own folders) stay.

Unicode true
!include "MUI2.nsh"
!include "FileFunc.nsh"

!ifndef VERSION
  !error "pass -DVERSION=x.y.z (pyproject.toml's version)"
!endif
!ifndef SOURCE_DIR
  !error "pass -DSOURCE_DIR=<the PyInstaller one-folder build>"
!endif
!ifndef OUTFILE
  !define OUTFILE "territory-desktop-${VERSION}-setup.exe"
!endif
!define APP_NAME "Territory Desktop"
!define APP_EXE "territory-desktop.exe"
!define PROG_ID "TerritoryDesktop.Plan"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\TerritoryDesktop"
; makensis runs in this folder, so paths here are relative to it; pass SOURCE_DIR and OUTFILE as absolute paths
!define ICON_FILE "../../resources/icons/territory-desktop.ico"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "Software\TerritoryDesktop" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
ManifestDPIAware true
BrandingText "${APP_NAME} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "LegalCopyright" "MIT licence; third-party licences in resources\THIRD-PARTY-LICENSES.md"

!define MUI_ICON "${ICON_FILE}"
!define MUI_UNICON "${ICON_FILE}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "Install"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File /r "${SOURCE_DIR}/*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "Software\TerritoryDesktop" "InstallDir" "$INSTDIR"

  CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  ; .territory -> TerritoryDesktop.Plan -> open with the app (HKCU\Software\Classes: no admin needed)
  WriteRegStr HKCU "Software\Classes\.territory" "" "${PROG_ID}"
  WriteRegStr HKCU "Software\Classes\.territory" "Content Type" "application/x-territory-plan"
  WriteRegStr HKCU "Software\Classes\.territory\OpenWithProgids" "${PROG_ID}" ""
  WriteRegStr HKCU "Software\Classes\${PROG_ID}" "" "Territory plan"
  WriteRegStr HKCU "Software\Classes\${PROG_ID}\DefaultIcon" "" '"$INSTDIR\${APP_EXE}",0'
  WriteRegStr HKCU "Software\Classes\${PROG_ID}\shell\open\command" "" '"$INSTDIR\${APP_EXE}" "%1"'
  WriteRegStr HKCU "Software\Classes\Applications\${APP_EXE}\SupportedTypes" ".territory" ""
  ; SHCNE_ASSOCCHANGED: Explorer picks the new icon and handler up now, not at the next sign-in
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  ; "Apps & features" entry
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Territory Desktop maintainers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" '"$INSTDIR\${APP_EXE}",0'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  ; only our own folder, and only if it is ours (never a folder the user pointed the installer at by mistake)
  IfFileExists "$INSTDIR\${APP_EXE}" 0 +2
    RMDir /r "$INSTDIR"

  ; the association goes only while it still points at this app
  ReadRegStr $0 HKCU "Software\Classes\.territory" ""
  StrCmp $0 "${PROG_ID}" 0 +2
    DeleteRegKey HKCU "Software\Classes\.territory"
  DeleteRegValue HKCU "Software\Classes\.territory\OpenWithProgids" "${PROG_ID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\.territory\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "Software\Classes\.territory"
  DeleteRegKey HKCU "Software\Classes\${PROG_ID}"
  DeleteRegKey HKCU "Software\Classes\Applications\${APP_EXE}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\TerritoryDesktop"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
