"""The Teams app package IT uploads: `manifest.json` and the two icons, in one zip.

Least permissions: one bot, personal scope only (no team, group chat or meeting), no
`permissions`, no resource-specific consent, no tabs or domains; files are not sent through
Teams (`supportsFiles: false`, see `adapters/teams/files.py`).
"""

from __future__ import annotations

import io
import json
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

from adapters.teams.text import words

SCHEMA_VERSION = "1.30"
SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{SCHEMA_VERSION}/MicrosoftTeams.schema.json"
ACCENT = "#2E6B5E"
ICONS = ("color.png", "outline.png")
LOCALIZATION_SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{SCHEMA_VERSION}/MicrosoftTeams.Localization.schema.json"
LANGUAGE_TAGS = {"nl": "nl-nl", "en": "en-us"}  # the languages popbot's Teams text ships in


def manifest(
    app_id: str,
    version: str,
    developer: str,
    website: str,
    privacy_url: str,
    terms_url: str,
    commands: list[tuple[str, str]],
    language: str = "nl",
) -> dict[str, Any]:
    w = words(language)
    bot: dict[str, Any] = {
        "botId": app_id,
        "scopes": ["personal"],
        "supportsFiles": False,
        "isNotificationOnly": False,
    }
    listed = [{"title": t[:32], "description": d[:128]} for t, d in commands if t][:10]
    if listed:
        bot["commandLists"] = [{"scopes": ["personal"], "commands": listed}]
    return {
        "$schema": SCHEMA,
        "manifestVersion": SCHEMA_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": developer[:32],
            "websiteUrl": website,
            "privacyUrl": privacy_url,
            "termsOfUseUrl": terms_url,
        },
        "name": {"short": "popbot", "full": w["app_name"]},
        "description": {"short": w["app_short"][:80], "full": w["app_full"][:4000]},
        "icons": {"color": ICONS[0], "outline": ICONS[1]},
        "accentColor": ACCENT,
        "bots": [bot],
        "defaultInstallScope": "personal",
        # Teams shows the app's name and description in each person's own language
        "localizationInfo": {
            "defaultLanguageTag": LANGUAGE_TAGS[language],
            "additionalLanguages": [
                {"languageTag": tag, "file": f"{tag}.json"}
                for lang, tag in LANGUAGE_TAGS.items()
                if lang != language
            ],
        },
    }


def localizations(language: str) -> dict[str, dict[str, Any]]:
    """The other languages' names and descriptions: file name → its content."""
    found = {}
    for lang, tag in LANGUAGE_TAGS.items():
        if lang == language:
            continue
        w = words(lang)
        found[f"{tag}.json"] = {
            "$schema": LOCALIZATION_SCHEMA,
            "name.short": "popbot",
            "name.full": w["app_name"],
            "description.short": w["app_short"][:80],
            "description.full": w["app_full"][:4000],
        }
    return found


def package(doc: dict[str, Any], translations: dict[str, dict[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("manifest.json", json.dumps(doc, ensure_ascii=False, indent=2))
        for name, translation in translations.items():
            zipped.writestr(name, json.dumps(translation, ensure_ascii=False, indent=2))
        for icon in ICONS:
            zipped.writestr(icon, (resources.files("adapters.teams") / "icons" / icon).read_bytes())
    return buffer.getvalue()


def write_package(path: Path, doc: dict[str, Any], translations: dict[str, dict[str, Any]]) -> None:
    path.write_bytes(package(doc, translations))
