#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system packages via apt-get when missing,
# then a .venv with the project installed. Safe to run again: it does nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
if command -v tesseract >/dev/null 2>&1; then
  langs=$(tesseract --list-langs 2>/dev/null || true)
  grep -qx ind <<<"$langs" || need+=(tesseract-ocr-ind)
  grep -qx eng <<<"$langs" || need+=(tesseract-ocr-eng)
  grep -qx osd <<<"$langs" || need+=(tesseract-ocr-osd)
else
  need+=(tesseract-ocr-ind tesseract-ocr-eng tesseract-ocr-osd)
fi
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)

if [ ${#need[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "bootstrap: creating .venv and installing the project (first time takes about a minute)"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi
