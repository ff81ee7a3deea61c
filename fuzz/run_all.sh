#!/usr/bin/env bash
# Runs every fuzz target one after another (never two at once: the machine is shared), each
# for the seconds given (default: issue 22's budget, 30 min for the GED, ACLED, boundaries,
# scenario-TOML and expression targets, 10 min for the others).
#
#   fuzz/run_all.sh [SECONDS_EACH]
set -uo pipefail
cd "$(dirname "$0")"
long="ged acled boundaries scenario_toml expr"
short="usgs_sites tabulated_sites production_long usgs_mcs wgi eu_crm ucdp_actors detect manifest"
failed=0
for t in $long $short; do
  case " $long " in *" $t "*) s=${1:-1800} ;; *) s=${1:-600} ;; esac
  ./run.sh "$t" "$s" || failed=1
done
exit $failed
