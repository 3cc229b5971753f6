#!/usr/bin/env bash
# Install pinned Python packages on every EMR node, for PySpark jobs and notebooks.
#
# Usage (as an EMR bootstrap action): install-python-packages.sh PACKAGE==VERSION [...]
# Idempotent: a package already installed at the requested version is skipped, so re-running
# the script (or running it on a node that already has the packages) changes nothing.
set -euo pipefail

log() { printf '[install-python-packages] %s\n' "$*"; }

if [ "$#" -eq 0 ]; then
  log "no packages requested; nothing to do"
  exit 0
fi

PYTHON="${PYTHON:-python3}"

for requirement in "$@"; do
  case "$requirement" in
    *==*) ;;
    *) log "refusing unpinned requirement '$requirement': write NAME==VERSION"; exit 2 ;;
  esac
  name="${requirement%%==*}"
  wanted="${requirement#*==}"
  installed="$("$PYTHON" -m pip show "$name" 2>/dev/null | awk '/^Version:/ {print $2}' || true)"
  if [ "$installed" = "$wanted" ]; then
    log "$name $wanted already installed"
    continue
  fi
  log "installing $requirement"
  sudo "$PYTHON" -m pip install --quiet --no-input "$requirement"
done
log "done"
