#!/usr/bin/env bash
# Runs every test. As root it first installs the OS packages the integration tests use; without them
# (or without root) those tests skip with a reason. Ends with the plain line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

# OS packages the tests drive for real.
PACKAGES=(procps nginx-light apache2 caddy iproute2 iptables ipset nftables socat curl logrotate systemd docker-compose chromium)

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if (( ${#missing[@]} )); then
    echo "installing: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || echo "warning: could not install ${missing[*]}; tests that need them will skip"
  fi
fi

# The benchmarks link a few test files: a change there must not break them unnoticed. A failed build counts as a failure.
build_failed=0
if ! dotnet build Detector.Benchmarks/Detector.Benchmarks.csproj -c Release -v q -nologo; then
  echo "error: Detector.Benchmarks does not build"
  build_failed=1
fi

results=$(mktemp -d)
dotnet test Detector.Tests/Detector.Tests.csproj -c Release \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?

trx=$(find "$results" -name '*.trx' | head -n 1)
if [[ -n $trx ]]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$(value passed); failed=$(value failed); total=$(value total); executed=$(value executed)
  skipped=$(( ${total:-0} - ${executed:-0} ))
  (( build_failed )) && status=1
  echo "${passed:-0} passed, $(( ${failed:-0} + build_failed )) failed, ${skipped} skipped"
else
  echo "0 passed, 1 failed"
  status=1
fi
rm -rf "$results"
exit $status
