#!/usr/bin/env bash
# perf/cluster/submit.sh - a sharded bengal-farm build on a Slurm cluster
# (issue 15): submits the plan, the N shards as one job array and the merge,
# chained with afterok dependencies, and returns at once.
#
#   SITE=/shared/site SHARED=/shared/state OUT=/shared/public N=8 \
#       perf/cluster/submit.sh [EXTRA SBATCH OPTIONS...]
#
# The variables below are the parameters (each may be set in the
# environment); extra arguments go to every sbatch (a partition, an
# account, a time limit).  It prints the three job ids:
#
#   plan job 101
#   shard jobs 102 (array 0-7)
#   merge job 103
#
# and the merge's state says how it went (`squeue`, `sacct -j 103`,
# `scontrol show job 103`).  The merge publishes OUT only when every shard
# is complete and from this plan; if a shard fails, the merge never starts:
# --kill-on-invalid-dep cancels it instead of leaving it pending forever.
# Logs go to LOGS/bengal-farm-{plan,shard,merge}-JOBID[_TASK].out.
set -euo pipefail

BF=${BF:-$(command -v bengal-farm || echo bengal-farm)} # on every node
SITE=${SITE:-/shared/site}      # the site, on storage every node sees
SHARED=${SHARED:-/shared/state} # the state every step shares (--cache-dir)
OUT=${OUT:-/shared/public}      # where the merge publishes the site
N=${N:-8}                       # shards: the array is 0..N-1
CPUS=${CPUS:-8}                 # CPUs per shard and for the merge (-j)
LOGS=${LOGS:-$SHARED.logs}      # the jobs' stdout and stderr (beside SHARED)
OPTS=${OPTS:-}                  # site options, the same in every step: -D, -F,
                                # -e NAME, --config FILE, --baseurl URL

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
script=$here/bengal-farm.sbatch
mkdir -p "$SHARED" "$LOGS"
export BF SITE SHARED OUT N OPTS # the jobs read these (bengal-farm.sbatch)

# submit STEP OPTIONS...: the options of the step, then the caller's (a
# later option wins in sbatch, so the caller's override ours).  --parsable
# prints "JOBID" (or "JOBID;CLUSTER"): keep the id.
extra=("$@")
submit() {
    local step=$1 id
    shift
    id=$(sbatch --parsable --export=ALL --chdir="$SHARED" "$@" \
        ${extra[@]+"${extra[@]}"} "$script" "$step")
    echo "${id%%;*}"
}

# The plan is a job too, not run here: a login node is no place for the
# discovery of a large site, and the shards wait for it anyway.
plan=$(submit plan --job-name=bf-plan --cpus-per-task=1 \
    --output="$LOGS/bengal-farm-plan-%j.out")
echo "plan job $plan"

shards=$(submit shard --job-name=bf-shard --cpus-per-task="$CPUS" \
    --array="0-$((N - 1))" --dependency="afterok:$plan" --kill-on-invalid-dep=yes \
    --output="$LOGS/bengal-farm-shard-%A_%a.out")
echo "shard jobs $shards (array 0-$((N - 1)))"

# afterok on an array job waits for every task, and fails if any task failed.
merge=$(submit merge --job-name=bf-merge --cpus-per-task="$CPUS" \
    --dependency="afterok:$shards" --kill-on-invalid-dep=yes \
    --output="$LOGS/bengal-farm-merge-%j.out")
echo "merge job $merge"
