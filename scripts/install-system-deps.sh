#!/usr/bin/env bash
# Installs the Debian packages the test suite starts for real (sshd, tmux, chromium, dockerd, ...), when
# run as root and they are missing. Safe to run again: it does nothing when everything is there.
set -euo pipefail
# openssl hashes the test sshd's password user; util-linux (unshare) and mount give that sshd its private
# /etc/passwd and /etc/shadow (host/src/testing/sshd.ts).
PACKAGES=(git ca-certificates chromium docker.io busybox-static openssh-server openssh-client tmux openssl util-linux mount)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run as root, or install them: apt-get install ${missing[*]})" >&2
  # `npm test` calls this softly (ARCHNEST_SOFT_DEPS=1): the tests that need them then say what is missing.
  [ "${ARCHNEST_SOFT_DEPS:-}" = "1" ] && exit 0
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
