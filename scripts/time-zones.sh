#!/usr/bin/env bash
# Writes src/resolve/workload/time_zones.txt: every time zone name of the IANA tz database
# (zones and their links), one a line, sorted, from the system's compiled tzdata
# (/usr/share/zoneinfo/tzdata.zi, Debian package tzdata). A CronJob's timeZone must be one of
# them: the API server loads it with Go's time.LoadLocation.
set -euo pipefail
cd "$(dirname "$0")/.."
zi=${1:-/usr/share/zoneinfo/tzdata.zi}
out=src/resolve/workload/time_zones.txt
{
    echo "# $(head -n1 "$zi" | sed 's/^# //') of the IANA tz database, from scripts/time-zones.sh"
    awk '$1 == "Z" { print $2 } $1 == "L" { print $3 }' "$zi" | LC_ALL=C sort -u
} > "$out"
echo "wrote $(grep -vc '^#' "$out") names to $out" >&2
