#!/bin/sh
# cairn-test-server: the HTTP server of Cairn's test images (busybox httpd), steered by environment variables.
#   PORT                 port to listen on (default 8080)
#   MESSAGE              body of GET / (default: the hostname, so a client can tell replicas apart)
#   READY_AFTER          seconds before GET /ready answers 200; 404 until then (default 0)
#   FAIL_LIVENESS_AFTER  seconds after which GET /healthz answers 404 instead of 200 (default: never)
#   EXIT_AFTER           seconds after which the server exits with EXIT_CODE (default: never)
#   EXIT_CODE            exit status used by EXIT_AFTER (default 0)
#   ALLOC_MB             megabytes of memory to allocate and hold for the server's lifetime (default 0)
#   TERM_DELAY           seconds to keep serving after SIGTERM before exiting 0 (default 0)
# Probes and clients see plain files: /ready and /healthz exist or not, so httpd serves them concurrently.
www=${WWW_DIR:-/tmp/cairn-test-server}
mkdir -p "$www"
printf '%s\n' "${MESSAGE:-$(hostname)}" > "$www/index.html"
echo ok > "$www/healthz"
rm -f "$www/ready"
# The ballast is held in shell variables of 1 MiB each, so the peak stays close to ALLOC_MB.
if [ "${ALLOC_MB:-0}" -gt 0 ]; then
  chunk=$(head -c 1048576 /dev/zero | tr '\000' x)
  i=0
  while [ "$i" -lt "$ALLOC_MB" ]; do
    eval "ballast_$i=\$chunk"
    i=$((i + 1))
  done
fi
httpd -f -p "${PORT:-8080}" -h "$www" &
server=$!
stop() {
  sleep "${TERM_DELAY:-0}"
  kill "$server" 2>/dev/null
  exit 0
}
trap stop TERM INT
( sleep "${READY_AFTER:-0}"; echo ok > "$www/ready" ) &
if [ -n "${FAIL_LIVENESS_AFTER:-}" ]; then ( sleep "$FAIL_LIVENESS_AFTER"; rm -f "$www/healthz" ) & fi
if [ -n "${EXIT_AFTER:-}" ]; then
  sleep "$EXIT_AFTER" &
  wait $!
  kill "$server" 2>/dev/null
  exit "${EXIT_CODE:-0}"
fi
wait "$server"
