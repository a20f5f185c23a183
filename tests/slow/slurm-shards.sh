#!/usr/bin/env bash
# tests/slow/slurm-shards.sh - `make check-slow`: issue 15's sharded build on
# a real scheduler.  A generated site (1,500 pages) is built in 3 shards and
# merged, and the published tree must equal, byte for byte and file for
# file, a one-machine `bengal-farm build` of the same site.
#
# The shards run as a Slurm job array on a single-node cluster this script
# starts on localhost (munged, slurmctld, slurmd, all in a temporary
# directory, no systemd, no cgroups) and stops again: the plan, the array
# and the merge are submitted by perf/cluster/submit.sh with
# perf/cluster/bengal-farm.sbatch, the files a real cluster uses, so they
# are tested too.  Slurm hands each task its shard in SLURM_ARRAY_TASK_ID
# (`--shard auto`) and starts the merge only when every task succeeded
# (afterok).
#
# Where Slurm cannot be started (not installed, not root, a daemon that
# does not come up) the script says why on a "SKIP slurm:" line and runs the
# same contract with 3 plain background processes (`--shard I/3`), so the
# sharding itself is always tested.  Either way it then runs the commands
# of perf/cluster/k8s.yaml as its pods would (4 shards, JOB_COMPLETION_INDEX)
# and compares likewise, and checks that a shard run twice writes the same
# files, that a merge with a shard missing fails, names the shard and
# publishes nothing, and that later shard builds never write into the files
# a merge hard-linked into its published site.
#
# usage: tests/slow/slurm-shards.sh BIN
# Environment: SLURM_SHARDS_NO_SLURM=1 skips Slurm (tests the fallback).
# Prints "slurm-shards: ... PASS|FAIL" lines; exits 1 if any check failed.
set -u
BIN=$(realpath "$1")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SHARDS=3
# Every run, the plan, the shards, the merge and the one-machine build, gets
# the same build time: dates in the output must not tell the runs apart.
export SOURCE_DATE_EPOCH=1700000000
work=$(mktemp -d /tmp/bf-slurm-shards-XXXXXX)
status=0
started=$(date +%s)

say() { echo "slurm-shards: $*"; }
pass() { say "$*: PASS"; }
fail() {
    say "$*: FAIL"
    status=1
}

# ---- the cluster: start, stop -------------------------------------------
#
# Every daemon runs in the foreground (-D / -F) as a child of this script,
# so its pid is $! and stopping it needs no pid file and no init system.
# munged's socket, slurm.conf and every state, spool and log file live in
# $work/slurm: nothing is written to /etc, /run or /var.

munged_pid= slurmctld_pid= slurmd_pid=
slurm_dir=$work/slurm

# Stop the cluster: cancel what is left of our jobs (a failed run can leave
# a merge pending), wait for their slurmstepd to go, then the daemons.
# Runs from the EXIT trap: it must work whatever was started.  scancel and
# squeue reach our slurmctld only (SLURM_CONF is set before it starts),
# never a real cluster's; `timeout`: a hung controller must not hang us.
slurm_stop() {
    if [ -n "$slurmctld_pid" ]; then
        timeout 10 scancel --quiet --user="$(id -un)" 2>/dev/null
        for _ in $(seq 1 50); do
            [ -z "$(timeout 5 squeue --noheader 2>/dev/null)" ] && break
            sleep 0.2
        done
    fi
    local pid
    for pid in $slurmd_pid $slurmctld_pid $munged_pid; do
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    slurmd_pid= slurmctld_pid= munged_pid=
}
cleanup() {
    slurm_stop
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Two free TCP ports for slurmctld and slurmd: the usual 6817/6818 may be
# taken by a real Slurm on the machine, which must not see our jobs.
free_ports() {
    python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))'
}

# The last lines of a daemon's log, indented, for a SKIP or FAIL message.
log_tail() {
    [ -f "$1" ] && tail -n "${2:-5}" "$1" | sed 's/^/    /'
}

# slurm_start: 0 with a cluster whose one node is idle, or 1 after printing
# "SKIP slurm: <why>".
slurm_start() {
    local cmd
    if [ -n "${SLURM_SHARDS_NO_SLURM:-}" ]; then
        say "SKIP slurm: SLURM_SHARDS_NO_SLURM is set"
        return 1
    fi
    for cmd in munged munge slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
        if ! command -v "$cmd" >/dev/null 2>&1; then
            say "SKIP slurm: $cmd is not installed (apt-get install slurm-wlm munge)"
            return 1
        fi
    done
    # slurmd starts every job as its user: it must be root to run jobs at
    # all (and SlurmUser=root keeps slurmctld from needing a slurm user).
    if [ "$(id -u)" != 0 ]; then
        say "SKIP slurm: not root (slurmd must run as root to start jobs)"
        return 1
    fi

    # munge: a fresh key, readable by its owner only (munged refuses
    # anything else), in a directory of ours.  --force: munged as root
    # would otherwise refuse to run.
    mkdir -p "$slurm_dir/munge" "$slurm_dir/state" "$slurm_dir/spool" \
        "$slurm_dir/log" "$slurm_dir/jobs"
    chmod 755 "$work" "$slurm_dir"
    chmod 711 "$slurm_dir/munge" # the socket must be reachable
    head -c 1024 /dev/urandom >"$slurm_dir/munge/munge.key"
    chmod 400 "$slurm_dir/munge/munge.key"
    local sock=$slurm_dir/munge/munge.socket
    munged -F --force --key-file="$slurm_dir/munge/munge.key" \
        --socket="$sock" --pid-file="$slurm_dir/munge/munged.pid" \
        --seed-file="$slurm_dir/munge/munged.seed" \
        --log-file="$slurm_dir/log/munged.log" >/dev/null 2>&1 &
    munged_pid=$!
    for _ in $(seq 1 50); do
        munge -S "$sock" -n 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1 && break
        sleep 0.1
    done
    if ! munge -S "$sock" -n 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1; then
        say "SKIP slurm: munged did not start (a credential does not round-trip):"
        log_tail "$slurm_dir/log/munged.log"
        return 1
    fi

    # slurm.conf: one node, this machine, its CPUs and 90% of its memory
    # (a RealMemory over what slurmd finds would drain the node).  Jobs
    # share the node by CPU (cons_tres, CR_CPU), so with -c1 two shards run
    # at once on two CPUs.  No cgroup plugin: processes are tracked through
    # /proc (linuxproc) and tasks are not bound, which works in a container.
    # No accounting daemon: `scontrol show job` reports the finished jobs
    # for MinJobAge seconds, which is all we need.
    local host cpus mem ports
    host=$(hostname -s)
    cpus=$(nproc)
    mem=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
    ports=$(free_ports) || {
        say "SKIP slurm: no free TCP port on 127.0.0.1"
        return 1
    }
    : >"$slurm_dir/plugstack.conf" # not /etc/slurm's: no SPANK plugins
    cat >"$slurm_dir/slurm.conf" <<EOF
ClusterName=bftest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${ports% *}
SlurmdPort=${ports#* }
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$slurm_dir/state
SlurmdSpoolDir=$slurm_dir/spool
SlurmctldPidFile=$slurm_dir/slurmctld.pid
SlurmdPidFile=$slurm_dir/slurmd.pid
SlurmctldLogFile=$slurm_dir/log/slurmctld.log
SlurmdLogFile=$slurm_dir/log/slurmd.log
PlugStackConfig=$slurm_dir/plugstack.conf
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=bftest Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    # The daemons and every client command (sbatch, squeue...) read this.
    export SLURM_CONF=$slurm_dir/slurm.conf

    # -i: ignore any saved state (there is none, but a half-written one
    # from a killed run must not stop the start).
    slurmctld -D -i >"$slurm_dir/log/slurmctld.out" 2>&1 &
    slurmctld_pid=$!
    for _ in $(seq 1 100); do
        scontrol ping 2>/dev/null | grep -q 'is UP' && break
        kill -0 "$slurmctld_pid" 2>/dev/null || break
        sleep 0.2
    done
    if ! kill -0 "$slurmctld_pid" 2>/dev/null; then
        say "SKIP slurm: slurmctld exited at start:"
        log_tail "$slurm_dir/log/slurmctld.out"
        return 1
    elif ! scontrol ping 2>/dev/null | grep -q 'is UP'; then
        say "SKIP slurm: slurmctld did not answer within 20 s:"
        log_tail "$slurm_dir/log/slurmctld.out"
        return 1
    fi
    slurmd -D -N "$host" >"$slurm_dir/log/slurmd.out" 2>&1 &
    slurmd_pid=$!
    local state=
    for _ in $(seq 1 150); do
        state=$(sinfo --noheader --nodes="$host" --format=%T 2>/dev/null)
        [ "$state" = idle ] && break
        kill -0 "$slurmd_pid" 2>/dev/null || break
        sleep 0.2
    done
    if ! kill -0 "$slurmd_pid" 2>/dev/null; then
        say "SKIP slurm: slurmd exited at start:"
        log_tail "$slurm_dir/log/slurmd.out"
        return 1
    elif [ "$state" != idle ]; then
        say "SKIP slurm: node $host is \"${state:-unknown}\", not idle, after 30 s:"
        log_tail "$slurm_dir/log/slurmd.out"
        return 1
    fi
    say "slurm: cluster up (node $host, $cpus CPUs, ${mem} MB; ports $ports)"
}

# ---- waiting for jobs ---------------------------------------------------

# job_states ID: "STATE EXIT_CODE" for the job, one line per array task.
job_states() {
    scontrol show job --oneliner "$1" 2>/dev/null |
        sed -n 's/.*JobState=\([^ ]*\).*ExitCode=\([^ ]*\).*/\1 \2/p'
}

# job_report ID: "JOB[_TASK]: STATE EXIT_CODE" lines, array tasks in order.
job_report() {
    scontrol show job --oneliner "$1" 2>/dev/null | sed -n \
        -e 's/^JobId=[0-9]* ArrayJobId=\([0-9]*\) ArrayTaskId=\([0-9]*\).*JobState=\([^ ]*\).*ExitCode=\([^ ]*\).*/\1_\2: \3 \4/p' \
        -e 's/^JobId=\([0-9]*\) .*JobState=\([^ ]*\).*ExitCode=\([^ ]*\).*/\1: \2 \3/p' |
        sort -t_ -k2n
}

# wait_job ID SECONDS: until every task of the job has ended (0), or the
# time is up (1).  Polls scontrol: no accounting daemon, so no sacct.
wait_job() {
    local id=$1 deadline=$(($(date +%s) + $2)) states
    while (($(date +%s) < deadline)); do
        states=$(job_states "$id")
        if [ -n "$states" ] &&
            ! grep -qE '^(PENDING|CONFIGURING|RUNNING|COMPLETING|REQUEUED|RESIZING|SUSPENDED)' <<<"$states"; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

# ---- comparing trees ----------------------------------------------------

# same_tree A B LABEL: the same files (names and types) with the same bytes.
same_tree() {
    local a=$1 b=$2 label=$3
    if [ ! -d "$a" ]; then
        fail "$label ($a was not published)"
        return
    fi
    (cd "$a" && find . -printf '%y %P\n' | sort) >"$work/list.a"
    (cd "$b" && find . -printf '%y %P\n' | sort) >"$work/list.b"
    if ! diff -u "$work/list.b" "$work/list.a" >"$work/list.diff"; then
        fail "$label (the file lists differ: one-machine -, sharded +)"
        head -n 20 "$work/list.diff" | sed 's/^/    /'
    elif ! diff -r --no-dereference -q "$b" "$a" >"$work/tree.diff" 2>&1; then
        fail "$label ($(wc -l <"$work/tree.diff") files differ)"
        head -n 10 "$work/tree.diff" | sed 's/^/    /'
    else
        pass "$label ($(grep -c '^f' "$work/list.a") files)"
    fi
}

# sums DIR: every entry of DIR, its type and, for a file, its SHA-256: a
# tree's bytes kept without a copy (copies are slow to remove in some
# containers), for a later "unchanged" check.
sums() {
    (cd "$1" && find . -printf '%y %P\n' | sort &&
        find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

# unchanged DIR SUMS LABEL: DIR still has the entries and bytes of SUMS.
unchanged() {
    if sums "$1" | cmp -s - "$2"; then
        pass "$3 ($(grep -c '^f ' "$2") files)"
    else
        fail "$3 (what changed, before <, after >)"
        sums "$1" | diff "$2" - | head -n 10 | sed 's/^/    /'
    fi
}

# ---- the site and the one-machine build ---------------------------------

site=$work/site
python3 "$TOP/perf/gensite.py" --sections 3 --subsections 5 --pages 100 "$site" >/dev/null ||
    {
        say "cannot generate the site"
        exit 1
    }
# Its own state directory: the one-machine build shares nothing with the
# sharded one but the site.
if ! "$BIN" build "$site" -o "$work/one" --cache-dir "$work/one-state" -q; then
    say "the one-machine build failed"
    exit 1
fi
say "site: $(find "$site/content" -name '*.md' | wc -l) pages," \
    "one-machine build: $(find "$work/one" -type f | wc -l) files"

# ---- the sharded build: on Slurm ----------------------------------------

shared=$work/shared # --cache-dir of the plan, every shard and the merge
out=$work/out       # what the merge publishes

# run_slurm: submit.sh's three steps; wait for the merge; report each job.
run_slurm() {
    local t0 ids plan shards merge
    t0=$(date +%s)
    if ! ids=$(BF=$BIN SITE=$site SHARED=$shared OUT=$out N=$SHARDS CPUS=1 \
        LOGS=$slurm_dir/jobs bash "$TOP/perf/cluster/submit.sh" 2>&1); then
        fail "slurm: perf/cluster/submit.sh failed: $ids"
        return
    fi
    plan=$(awk '$1 == "plan" { print $3 }' <<<"$ids")
    shards=$(awk '$1 == "shard" { print $3 }' <<<"$ids")
    merge=$(awk '$1 == "merge" { print $3 }' <<<"$ids")
    say "slurm: submitted plan $plan, shards $shards (array 0-$((SHARDS - 1))), merge $merge"
    if ! wait_job "$merge" 300; then
        fail "slurm: the merge job $merge did not end within 300 s ($(job_states "$merge"))"
        squeue | sed 's/^/    /'
        return
    fi

    # Every job must have COMPLETED with exit code 0:0; a failed shard
    # cancels the merge (--kill-on-invalid-dep), so look at all of them.
    local id ok=1 line seen=0
    for id in "$plan" "$shards" "$merge"; do
        while read -r line; do
            say "slurm: job $line"
            seen=$((seen + 1))
            [ "${line#*: }" = "COMPLETED 0:0" ] || ok=0
        done < <(job_report "$id")
    done
    [ "$seen" = $((SHARDS + 2)) ] || ok=0 # a job Slurm forgot is no success
    if [ "$ok" = 1 ]; then
        pass "slurm: plan, $SHARDS array tasks and merge COMPLETED with exit code 0 ($(($(date +%s) - t0)) s)"
    else
        fail "slurm: a job did not complete (the jobs' logs below)"
        for f in "$slurm_dir"/jobs/*.out; do
            echo "    == ${f##*/}"
            log_tail "$f" 5
        done
    fi
    same_tree "$out" "$work/one" "slurm: $SHARDS shards + merge == one-machine build"
}

# ---- the sharded build: plain processes, where Slurm is missing ---------

# run_local: the same contract with `--shard I/N` in background processes.
run_local() {
    local t0 i pids=() ok=1
    t0=$(date +%s)
    if ! "$BIN" plan "$site" --shards "$SHARDS" --cache-dir "$shared" >"$work/plan.log" 2>&1; then
        fail "local: bengal-farm plan failed"
        log_tail "$work/plan.log"
        return
    fi
    for ((i = 0; i < SHARDS; i++)); do
        "$BIN" build "$site" --shard "$i/$SHARDS" --cache-dir "$shared" -j 1 \
            >"$work/shard-$i.log" 2>&1 &
        pids+=($!)
    done
    for ((i = 0; i < SHARDS; i++)); do
        if ! wait "${pids[i]}"; then
            ok=0
            say "local: shard $i/$SHARDS failed:"
            log_tail "$work/shard-$i.log"
        fi
    done
    if [ "$ok" = 0 ]; then
        fail "local: a shard failed"
    elif "$BIN" merge "$site" --shards "$SHARDS" --cache-dir "$shared" -o "$out" -j 2 \
        >"$work/merge.log" 2>&1; then
        pass "local: plan, $SHARDS concurrent shards and merge succeeded ($(($(date +%s) - t0)) s)"
    else
        fail "local: the merge failed"
        log_tail "$work/merge.log"
    fi
    same_tree "$out" "$work/one" "local: $SHARDS shards + merge == one-machine build"
}

if slurm_start; then
    run_slurm
    how=slurm
else
    slurm_stop # whatever came up before the failure
    run_local
    how=local
fi

# ---- the Kubernetes manifest ---------------------------------------------

# perf/cluster/k8s.yaml cannot be applied here (no Kubernetes), but its
# commands can be run as its pods would run them: /shared is a directory
# of ours, the plan, then every index of the Indexed Job at once with
# JOB_COMPLETION_INDEX set (what `--shard auto` reads there), then the
# merge.  This checks that the YAML parses, that its Jobs agree on N, and
# that the commands it gives really build the site.  Needs python3-yaml.
k8s_commands() {
    python3 - "$TOP/perf/cluster/k8s.yaml" "$1" <<'PY'
import shlex, sys
import yaml
path, shared = sys.argv[1], sys.argv[2]
jobs = {}
for doc in yaml.safe_load_all(open(path)):
    if doc and doc["kind"] == "Job":
        jobs[doc["metadata"]["labels"]["step"]] = doc["spec"]
def command(step):
    c = jobs[step]["template"]["spec"]["containers"][0]["command"]
    return " ".join(shlex.quote(shared + a[len("/shared"):] if a.startswith("/shared") else a)
                    for a in c[1:])  # without "bengal-farm": the test's binary runs
shards = jobs["shards"]
assert shards["completionMode"] == "Indexed", "the shards' Job is not Indexed"
n = shards["completions"]
for step in ("plan", "merge"):
    c = jobs[step]["template"]["spec"]["containers"][0]["command"]
    assert c[c.index("--shards") + 1] == str(n), f"{step}: --shards is not completions ({n})"
print("n", n)
for step in ("plan", "shards", "merge"):
    print(step, command(step))
PY
}

run_k8s() {
    local k=$work/k8s cmds n plan shard merge i pids=() ok=1
    if ! python3 -c 'import yaml' 2>/dev/null; then
        say "SKIP k8s: python3 has no yaml module (apt-get install python3-yaml)"
        return
    fi
    if ! cmds=$(k8s_commands "$k" 2>&1); then
        fail "k8s: perf/cluster/k8s.yaml: $(tail -n 1 <<<"$cmds")"
        return
    fi
    n=$(awk '$1 == "n" { print $2 }' <<<"$cmds")
    plan=$(sed -n 's/^plan //p' <<<"$cmds")
    shard=$(sed -n 's/^shards //p' <<<"$cmds")
    merge=$(sed -n 's/^merge //p' <<<"$cmds")
    mkdir -p "$k"
    ln -s "$site" "$k/site"
    eval "\"\$BIN\" $plan" >"$work/k8s-plan.log" 2>&1 || ok=0
    for ((i = 0; i < n && ok; i++)); do
        (
            export JOB_COMPLETION_INDEX=$i
            eval "\"\$BIN\" $shard -j 1"
        ) >"$work/k8s-shard-$i.log" 2>&1 &
        pids+=($!)
    done
    for pid in ${pids[@]+"${pids[@]}"}; do
        wait "$pid" || ok=0
    done
    if [ "$ok" = 1 ] && eval "\"\$BIN\" $merge -j 2" >"$work/k8s-merge.log" 2>&1; then
        same_tree "$k/public" "$work/one" "k8s: k8s.yaml's plan, $n indexed shards, merge == one-machine build"
    else
        fail "k8s: a command of k8s.yaml failed (its logs below)"
        for f in "$work"/k8s-*.log; do
            echo "    == ${f##*/}"
            log_tail "$f" 3
        done
    fi
    rm -rf "$k" # its trees are not needed again
}
run_k8s

# ---- the rest of the contract -------------------------------------------
#
# Plain commands on the state the sharded build left: these are about
# bengal-farm, not about the scheduler.

finish() {
    say "done in $(($(date +%s) - started)) s: $([ "$status" = 0 ] && echo PASS || echo FAIL)"
    exit "$status"
}
if [ ! -f "$shared/shards/1/done" ] || [ ! -d "$out" ]; then
    say "$how: no sharded build to go on: the rest of the contract is not checked"
    finish
fi

# merge_to DIR LOG: the merge of the shards in $shared into DIR.
merge_to() {
    "$BIN" merge "$site" --shards "$SHARDS" --cache-dir "$shared" -o "$1" -j 2 >"$2" 2>&1
}

# A shard that runs twice (a requeued array task) writes the same tree and
# the same record, and the merge takes it.  (Its state directory is not
# compared: the lock holds a pid, the manifests count publications; and
# out.staging appears, the previous tree the next build patches, as after
# any build.)
sums "$shared/shards/1/out" >"$work/shard-1.sums"
cp "$shared/shards/1/done" "$work/shard-1.done"
if "$BIN" build "$site" --shard "1/$SHARDS" --cache-dir "$shared" -j 1 >"$work/again.log" 2>&1; then
    unchanged "$shared/shards/1/out" "$work/shard-1.sums" "$how: shard 1 run twice: the same tree"
    if cmp -s "$shared/shards/1/done" "$work/shard-1.done"; then
        pass "$how: shard 1 run twice: the same record (shards/1/done)"
    else
        fail "$how: shard 1 run twice: its record shards/1/done changed"
    fi
    if merge_to "$work/out-again" "$work/merge-again.log"; then
        same_tree "$work/out-again" "$work/one" "$how: merge after the rerun == one-machine build"
    else
        fail "$how: the merge after shard 1's rerun failed"
        log_tail "$work/merge-again.log"
    fi
else
    fail "$how: shard 1 run a second time failed"
    log_tail "$work/again.log"
fi

# A merge with a shard missing fails, names it, and publishes nothing.
mv "$shared/shards/2" "$work/shard-2.aside"
merge_to "$work/out-missing" "$work/missing.log"
rc=$?
left=$(compgen -G "$work/out-missing*") # the output, or a staging tree beside it
if [ "$rc" != 0 ] && grep -Eq 'shard[^0-9]*2' "$work/missing.log" && [ -z "$left" ]; then
    pass "$how: merge without shard 2 fails (exit $rc), names it, publishes nothing"
else
    fail "$how: merge without shard 2: exit $rc, left \"${left:-nothing}\" (its messages below)"
    log_tail "$work/missing.log"
fi
mv "$work/shard-2.aside" "$shared/shards/2"

# The merge hard-links the shards' files into its output.  The next
# night's shards patch their previous trees (a build's staging tree is the
# tree before the last), which are those very files: they must write new
# files, never into the ones a published site shares.  Two nights, each
# changing every page, so that every shard patches the tree the merges
# linked; the published trees must not change.
sums "$out" >"$work/out.sums"
sums "$work/out-again" >"$work/out-again.sums"
nightly_ok=1
for night in 1 2; do
    while IFS= read -r -d '' f; do
        printf '\nChanged on night %d.\n' "$night" >>"$f"
    done < <(find "$site/content" -name 'page-*.md' -print0)
    "$BIN" plan "$site" --shards "$SHARDS" --cache-dir "$shared" >"$work/night.log" 2>&1 ||
        nightly_ok=0
    for ((i = 0; i < SHARDS; i++)); do
        "$BIN" build "$site" --shard "$i/$SHARDS" --cache-dir "$shared" -j 1 \
            >>"$work/night.log" 2>&1 || nightly_ok=0
    done
done
if [ "$nightly_ok" = 1 ]; then
    unchanged "$out" "$work/out.sums" "$how: published site untouched by two nights of shard builds"
    unchanged "$work/out-again" "$work/out-again.sums" "$how: second merge's site untouched too"
else
    fail "$how: a nightly plan or shard build failed"
    log_tail "$work/night.log"
fi

finish
