#!/usr/bin/env bash
# Installs everything Cairn needs on a fresh Debian machine: system packages and npm dependencies, then builds.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)   # the tests scrape /metrics with the real Prometheus
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)   # the image tests pull from a real OCI registry
command -v runc >/dev/null 2>&1 || need+=(runc)   # the agent's OCI runtime
command -v conmon >/dev/null 2>&1 || need+=(conmon)   # the agent's per-container monitor (logs, exit codes)
command -v ip >/dev/null 2>&1 || need+=(iproute2)   # pod network namespaces (ip netns)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)   # probes run inside the pod's network namespace
command -v nft >/dev/null 2>&1 || need+=(nftables)   # service VIPs and NetworkPolicy are nftables rules
command -v conntrack >/dev/null 2>&1 || need+=(conntrack)   # the service proxy forgets UDP flows of removed endpoints
command -v dig >/dev/null 2>&1 || need+=(bind9-dnsutils)   # the DNS tests ask with the real dig
command -v dnsperf >/dev/null 2>&1 || need+=(dnsperf)   # bench/network: DNS load
command -v dnsmasq >/dev/null 2>&1 || need+=(dnsmasq-base)   # bench/network: the DNS peer measured in the same run
command -v iperf3 >/dev/null 2>&1 || need+=(iperf3)   # bench/network: pod-to-pod throughput
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need+=(busybox-static)   # static /bin/busybox: test container rootfs
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian packages may start system etcd/prometheus/registry services; Cairn and its tests run their own.
for svc in etcd prometheus docker-registry; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
done
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
npm run build
