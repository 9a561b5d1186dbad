#!/usr/bin/env bash
# Detector container entrypoint.
#
# 1. Refuses to start when this image's iptables flavour (nf_tables or legacy) differs from the host's.
#    Both flavours exist side by side in the kernel, and a tool of one flavour does not see the other's
#    tables: on a legacy host the container's iptables-nft finds no DOCKER-USER chain (Docker made it in the
#    legacy tables), creates its own that nothing jumps to, and the bans silently filter nothing.
#    The host's flavour is the one holding its rules (Docker always has some with network_mode: host);
#    DETECTOR_HOST_IPTABLES=nft|legacy overrides the detection.
# 2. exec dotnet detector.dll run "$@"  (other verbs -- doctor, status, bans, unban, ... -- run as given).
#
# Exit code 78 (EX_CONFIG) with a message on a mismatch.
set -euo pipefail

DETECTOR_DLL="${DETECTOR_DLL:-/app/detector.dll}"

say() { printf 'detector-entrypoint: %s\n' "$*" >&2; }

# The firewall backend the daemon will use: --firewall wins over the environment, like in the app.
firewall_backend() {
  local backend="${Detector__Enforcement__Firewall:-}" previous=""
  for arg in "$@"; do
    case "$arg" in
      --firewall=*) backend="${arg#--firewall=}" ;;
      *) [[ $previous == --firewall ]] && backend="$arg" ;;
    esac
    previous="$arg"
  done
  printf '%s' "${backend:-unset}"
}

# Number of rules (-A lines) a *-save tool prints for IPv4 plus IPv6, or -1 when the tools cannot run.
count_rules() {
  local flavour="$1" total=-1 out tool
  for tool in "iptables-$flavour-save" "ip6tables-$flavour-save"; do
    command -v "$tool" >/dev/null 2>&1 || continue
    if out=$("$tool" 2>/dev/null); then
      (( total < 0 )) && total=0
      total=$(( total + $(grep -c -- '^-A ' <<<"$out" || true) ))
    fi
  done
  printf '%s' "$total"
}

# This container's flavour, from `iptables --version`: "iptables v1.8.10 (nf_tables)" or "(legacy)".
container_flavour() {
  local version
  version=$(iptables --version 2>/dev/null) || { printf 'missing'; return; }
  case "$version" in
    *nf_tables*) printf 'nft' ;;
    *legacy*) printf 'legacy' ;;
    *) printf 'unknown' ;;
  esac
}

check_iptables_flavour() {
  local backend container host legacy nft
  backend=$(firewall_backend "$@")
  # A list (ipset,nginx) uses iptables when one of its backends does; nginx alone does not.
  case ",$backend," in
    ,dry-run,|,nftables,|,nginx,|,nftables,nginx,|,nginx,nftables,)
      say "firewall backend '$backend' does not use iptables; skipping the iptables flavour check"
      return 0 ;;
  esac

  container=$(container_flavour)
  if [[ $container == missing ]]; then
    say "FATAL: iptables is not installed in this image, but the firewall backend is '$backend'."
    exit 78
  fi

  if [[ -n ${DETECTOR_HOST_IPTABLES:-} ]]; then
    case "$DETECTOR_HOST_IPTABLES" in
      nft|legacy) host="$DETECTOR_HOST_IPTABLES"
                  say "host iptables flavour from DETECTOR_HOST_IPTABLES: $host" ;;
      *) say "FATAL: DETECTOR_HOST_IPTABLES must be 'nft' or 'legacy', not '$DETECTOR_HOST_IPTABLES'."; exit 78 ;;
    esac
  else
    legacy=$(count_rules legacy)
    nft=$(count_rules nft)
    if (( legacy < 0 && nft < 0 )); then
      say "WARNING: cannot read the host's iptables rules (no iptables-*-save, or no CAP_NET_ADMIN);"
      say "         the iptables flavour check is skipped. Run 'detector doctor' to see what can be enforced."
      return 0
    fi
    (( legacy < 0 )) && legacy=0
    (( nft < 0 )) && nft=0
    if (( legacy == 0 && nft == 0 )); then
      say "WARNING: the host has no iptables rules in either flavour (a Docker host always has some:"
      say "         is network_mode: host set?); the iptables flavour check is skipped."
      say "         Set DETECTOR_HOST_IPTABLES=nft|legacy to state the host's flavour."
      return 0
    fi
    if (( legacy > 0 && nft > 0 )); then
      say "WARNING: the host has rules in both flavours (nf_tables: $nft, legacy: $legacy); taking the larger."
    fi
    if (( legacy > nft )); then host=legacy; else host=nft; fi
    say "host iptables flavour: $host (rules: nf_tables $nft, legacy $legacy); container: $container"
  fi

  if [[ $host != "$container" ]]; then
    say "FATAL: iptables flavour mismatch: the host uses iptables-$host, this container's iptables is $container."
    say "       Rules written with one flavour are invisible to the other: Detector would hook a DOCKER-USER"
    say "       chain the host's Docker never jumps to, and bans would silently filter nothing."
    say "       Fix: rebuild the image for the host's flavour (DETECTOR_IPTABLES=$host in .env, then"
    say "       'docker compose build detector'), or use the nftables backend"
    say "       (Detector__Enforcement__Firewall=nftables), or, if the detection is wrong,"
    say "       set DETECTOR_HOST_IPTABLES=$container."
    exit 78
  fi
}

case "${1:-}" in
  run|"")
    [[ ${1:-} == run ]] && shift
    check_iptables_flavour "$@"
    exec dotnet "$DETECTOR_DLL" run "$@" ;;
  -*)
    check_iptables_flavour "$@"
    exec dotnet "$DETECTOR_DLL" run "$@" ;;
  *)
    exec dotnet "$DETECTOR_DLL" "$@" ;;
esac
