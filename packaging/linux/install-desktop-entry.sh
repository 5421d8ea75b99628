#!/bin/sh
# Put omtquiz in the application menu and offer it for .yaml decks and Anki .apkg files.
# Run from the unpacked omtquiz folder (or pass that folder); installs for this user only.
set -eu
here=$(cd "${1:-$(dirname "$0")}" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
mime="${XDG_DATA_HOME:-$HOME/.local/share}/mime"
mkdir -p "$apps" "$icons" "$mime/packages"
cp "$here/omtquiz.png" "$icons/omtquiz.png"
sed "s|^Exec=omtquiz|Exec=\"$here/omtquiz\"|" "$here/omtquiz.desktop" > "$apps/omtquiz.desktop"
cat > "$mime/packages/omtquiz-apkg.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="application/x-apkg">
    <comment>Anki deck package</comment>
    <glob pattern="*.apkg"/>
  </mime-type>
</mime-info>
XML
command -v update-mime-database >/dev/null && update-mime-database "$mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$apps" || true
echo "omtquiz added to the application menu ($apps/omtquiz.desktop)"
