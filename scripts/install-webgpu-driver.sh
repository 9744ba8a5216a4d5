#!/usr/bin/env bash
# Installs a Vulkan driver that Dawn (the `webgpu` npm package) can use on a machine without a GPU:
# Mesa's lavapipe (a software Vulkan driver on the CPU). Debian bookworm's own Mesa (22.x) is too old
# for Dawn; the one in bookworm-backports works. Idempotent; run as root (or with sudo available).
# Machines with a real GPU driver do not need this.
set -euo pipefail

say() { echo "[install-webgpu-driver] $*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else say "must run as root (or with sudo)"; exit 1; fi
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "apt-get not found: this script is for Debian bookworm. Elsewhere install Mesa's Vulkan drivers (lavapipe) >= 24 from your distribution."
  exit 1
fi

current="$(dpkg-query -W -f='${Status} ${Version}' mesa-vulkan-drivers 2>/dev/null || true)"
case "$current" in
  "install ok installed "*)
    major="${current##* }"; major="${major%%.*}"
    if [ "${major:-0}" -ge 24 ] 2>/dev/null; then
      say "mesa-vulkan-drivers ${current##* } is already installed (Mesa >= 24 works with Dawn); nothing to do"
      exit 0
    fi ;;
esac

codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
if [ "$codename" != "bookworm" ]; then
  say "warning: this script targets Debian bookworm, found '${codename:-unknown}'; continuing"
fi

# The Debian archive this machine already uses (deb822 .sources files or the classic sources.list).
archive=""
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  case "$f" in *webgpu-backports*) continue ;; esac
  url="$(grep -hv '^[[:space:]]*#' "$f" 2>/dev/null | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ' || true)"
  if [ -n "$url" ]; then archive="${url%/}"; break; fi
done
archive="${archive:-http://deb.debian.org/debian}"
say "Debian archive: $archive"

list=/etc/apt/sources.list.d/webgpu-backports.sources
if grep -rqsE '^(Suites:.*|deb .*)bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
  say "a bookworm-backports source is already configured"
else
  say "adding $list (suite bookworm-backports, component main)"
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$archive" | $SUDO tee "$list" >/dev/null
fi


say "apt-get update"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
say "apt-get install -y -t bookworm-backports mesa-vulkan-drivers"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1

installed="$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)"
say "mesa-vulkan-drivers ${installed:-?} installed (lavapipe: $(ls /usr/share/vulkan/icd.d/ 2>/dev/null | grep -i lvp || echo 'icd not found'))"
say "done. Check from packages/tensor: node -e \"import('webgpu').then(async ({create}) => console.log((await create([]).requestAdapter())?.info))\""
