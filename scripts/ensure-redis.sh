#!/usr/bin/env bash
# The shared-cache tests start their own redis-server: install Debian's package when missing.
set -euo pipefail
command -v redis-server >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# The package may start a system instance; the tests never use it.
(command -v service >/dev/null && $sudo service redis-server stop >/dev/null 2>&1) || true
redis-server --version
