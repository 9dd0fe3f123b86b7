"""The macOS .app's Info.plist entries (the spec passes them to PyInstaller's BUNDLE).

Finder opens `.territory` plans with the app: the plan is an exported type (a UTI conforming to
public.data, tagged with the extension and the MIME type the Linux package registers), and the app
declares itself its owner and editor.
"""

from __future__ import annotations

BUNDLE_ID = "org.territorydesktop.TerritoryDesktop"
PLAN_UTI = "org.territorydesktop.plan"
MIME_TYPE = "application/x-territory-plan"
ICON = "territory-desktop.icns"


def info_plist(version: str) -> dict:
    """Info.plist keys for `version` (CFBundleShortVersionString and CFBundleVersion both carry it)."""
    return {
        "CFBundleName": "Territory Desktop",
        "CFBundleDisplayName": "Territory Desktop",
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "LSMinimumSystemVersion": "11.0",
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,
        "LSApplicationCategoryType": "public.app-category.business",
        "UTExportedTypeDeclarations": [{
            "UTTypeIdentifier": PLAN_UTI,
            "UTTypeDescription": "Territory plan",
            "UTTypeConformsTo": ["public.data", "public.database"],
            "UTTypeIconFile": ICON,
            "UTTypeTagSpecification": {"public.filename-extension": ["territory"],
                                       "public.mime-type": [MIME_TYPE]},
        }],
        "CFBundleDocumentTypes": [{
            "CFBundleTypeName": "Territory plan",
            "CFBundleTypeRole": "Editor",
            "LSHandlerRank": "Owner",
            "LSItemContentTypes": [PLAN_UTI],
            "CFBundleTypeIconFile": ICON,
        }],
    }
