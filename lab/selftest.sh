#!/usr/bin/env bash
# selftest.sh [BASEDIR]: proves lab/ganesha-lab works on this machine (root, Debian packages
# installed). Builds and tears down several labs under BASEDIR (default: a new /tmp dir) and
# checks every promise of the README; prints timings. Exit 0 only if every check passed.
set -euo pipefail

LAB=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/ganesha-lab
BASE=${1:-$(mktemp -d /tmp/ganesha-lab-selftest.XXXXXX)}
mkdir -p "$BASE"
FAILED=0
ok() { printf 'ok   %s\n' "$*"; }
bad() { printf 'FAIL %s\n' "$*"; FAILED=1; }
expect() { # DESCRIPTION TEST-ARGS... (as for [[ ]] via test)
    local d=$1
    shift
    if "$@"; then ok "$d"; else bad "$d"; fi
}
check() { # DESCRIPTION CMD...
    local d=$1
    shift
    if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

host_links() { ip -o link show | awk -F': ' '{ print $2 }' | sort; }
HOST_LINKS_BEFORE=$(host_links)
NETNS_BEFORE=$(ip netns list 2>/dev/null | sort || true)

# Nothing of the lab in DIR may remain: processes (by marker or recorded namespace), links,
# named netns, host mounts under DIR.
assert_clean() { # DIR LABEL
    local dir=$1 label=$2 id env=$1/lab.env.last p n m left=""
    id=$(cat "$dir/lab.id")
    while read -r p; do
        [[ $(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null) == Z ]] || left+=" marker:$p"
    done < <(grep -lzF "GANESHA_LAB=$id:" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3)
    if [[ -f $env ]]; then
        while read -r n; do
            for p in /proc/[0-9]*; do
                m=$(readlink "$p/ns/net" 2>/dev/null || true)
                [[ $m == "$n" ]] && left+=" ns:${p#/proc/}"
                m=$(readlink "$p/ns/mnt" 2>/dev/null || true)
                [[ $m == "$n" ]] && left+=" ns:${p#/proc/}"
            done
        done < <(grep -E '^NODE_[0-9]+_(NETNS|MNTNS)=' "$env" | cut -d= -f2)
    fi
    [[ $(host_links) == "$HOST_LINKS_BEFORE" ]] || left+=" host-links-changed"
    [[ $(ip netns list 2>/dev/null | sort || true) == "$NETNS_BEFORE" ]] || left+=" netns-changed"
    grep -qF "$dir" /proc/self/mountinfo && left+=" host-mounts"
    if [[ -z $left ]]; then ok "$label: nothing left (processes, links, netns, mounts)"; else bad "$label: left:$left"; fi
}

run_checks() { # DIR NODE...
    local dir=$1 n first=$2 second=${3:-$2} out
    shift
    local -a nodes=("$@")
    out=$("$LAB" status --dir "$dir")
    for n in "${nodes[@]}"; do
        expect "$n Online" grep -qE "Online: \[.* $n( .*)? \]" <<<"$out"
        expect "$n: hostname is $n" test "$("$LAB" exec --dir "$dir" "$n" -- hostname)" == "$n"
        "$LAB" exec --dir "$dir" "$n" -- attrd_updater -n lab-x -U 1
    done
    sleep 0.5
    out=$("$LAB" exec --dir "$dir" "$first" -- attrd_updater -Q -A -n lab-x)
    for n in "${nodes[@]}"; do
        expect "attrd: $first sees lab-x of $n" grep -qxF "name=\"lab-x\" host=\"$n\" value=\"1\"" <<<"$out"
        out2=$("$LAB" exec --dir "$dir" "$n" -- timeout 10 dbus-send --system --print-reply \
            --dest=org.ganesha.nfsd /org/ganesha/nfsd/admin org.ganesha.nfsd.admin.get_grace || true)
        expect "$n: ganesha get_grace answers" grep -q 'get grace success' <<<"$out2"
    done
    check "$first: /var/lib/nfs is a plain directory, not a mount point" \
        "$LAB" exec --dir "$dir" "$first" -- sh -c '[ -d /var/lib/nfs ] && [ ! -L /var/lib/nfs ] && ! mountpoint -q /var/lib/nfs'
    check "$first: mv /var/lib/nfs away, symlink it to shared storage, restore" \
        "$LAB" exec --dir "$dir" "$first" -- sh -c "set -e; d=/var/run/gluster/shared_storage/nfs-ganesha/$first/nfs
            mkdir -p \$d; mv /var/lib/nfs /var/lib/nfs.backup; ln -s \$d /var/lib/nfs; [ -L /var/lib/nfs ]
            rm /var/lib/nfs; mv /var/lib/nfs.backup /var/lib/nfs; [ -d /var/lib/nfs ] && [ ! -L /var/lib/nfs ]"
    "$LAB" exec --dir "$dir" "$first" -- sh -c "echo from-$first >/run/gluster/shared_storage/probe"
    for n in "${nodes[@]}"; do
        expect "$n sees $first's file in shared storage" \
            test "$("$LAB" exec --dir "$dir" "$n" -- cat /var/run/gluster/shared_storage/probe)" == "from-$first"
    done
    "$LAB" exec --dir "$dir" "$first" -- ip addr add 198.18.0.101/24 dev eth0
    if "$LAB" exec --dir "$dir" "$second" -- sh -c 'command -v ping' >/dev/null; then
        check "$second pings the VIP 198.18.0.101 on $first" "$LAB" exec --dir "$dir" "$second" -- ping -c1 -W1 198.18.0.101
    else
        check "$second reaches VIP 198.18.0.101:2049 on $first (no ping installed: TCP)" \
            "$LAB" exec --dir "$dir" "$second" -- socat -u /dev/null TCP:198.18.0.101:2049,connect-timeout=2
    fi
    "$LAB" exec --dir "$dir" "$first" -- ip addr del 198.18.0.101/24 dev eth0
    local gp
    gp=$("$LAB" ganesha --dir "$dir" "$first" pid)
    "$LAB" ganesha --dir "$dir" "$first" stop >/dev/null
    expect "ganesha stop (SIGSTOP)" test "$(awk '{ print $3 }' "/proc/$gp/stat")" == T
    "$LAB" ganesha --dir "$dir" "$first" cont >/dev/null
    "$LAB" ganesha --dir "$dir" "$first" kill >/dev/null
    if "$LAB" ganesha --dir "$dir" "$first" pid >/dev/null 2>&1; then bad "ganesha kill"; else ok "ganesha kill"; fi
    check "ganesha start again" "$LAB" ganesha --dir "$dir" "$first" start
}

up_timed() { # DIR NODES -> sets UP_SECS
    local t0 t1
    t0=$(now)
    "$LAB" up --dir "$1" --nodes "$2"
    t1=$(now)
    UP_SECS=$(elapsed "$t0" "$t1")
}
down_timed() { # DIR -> sets DOWN_SECS
    local t0 t1
    t0=$(now)
    "$LAB" down --dir "$1"
    t1=$(now)
    DOWN_SECS=$(elapsed "$t0" "$t1")
}

echo "== 1 node"
up_timed "$BASE/one" solo
echo "up: ${UP_SECS}s"
run_checks "$BASE/one" solo
down_timed "$BASE/one"
echo "down: ${DOWN_SECS}s"
assert_clean "$BASE/one" "1 node"

echo "== 3 nodes, twice"
for round in 1 2; do
    up_timed "$BASE/three" n1,n2,n3
    echo "round $round: up (3 nodes, until Online + ganesha on its bus): ${UP_SECS}s"
    run_checks "$BASE/three" n1 n2 n3
    down_timed "$BASE/three"
    echo "round $round: down: ${DOWN_SECS}s"
    assert_clean "$BASE/three" "3 nodes round $round"
done

echo "== 2 FQDN nodes"
up_timed "$BASE/fqdn" nfs-1.lab.example,nfs-2.lab.example
echo "up: ${UP_SECS}s"
run_checks "$BASE/fqdn" nfs-1.lab.example nfs-2.lab.example
down_timed "$BASE/fqdn"
assert_clean "$BASE/fqdn" "FQDN nodes"

echo "== node loss (link, corosync) and a holder killed -9 mid-way"
"$LAB" up --dir "$BASE/crash" --nodes c1,c2,c3 >/dev/null
"$LAB" link --dir "$BASE/crash" c3 down
t0=$(now)
until "$LAB" exec --dir "$BASE/crash" c1 -- crm_mon -1 | grep -q 'OFFLINE: \[ c3 \]'; do
    [[ $(elapsed "$t0" "$(now)" | cut -d. -f1) -lt 30 ]] || { bad "c3 never OFFLINE after link down"; break; }
    sleep 0.5
done
echo "c3 OFFLINE $(elapsed "$t0" "$(now)")s after link down"
"$LAB" link --dir "$BASE/crash" c3 up
"$LAB" corosync --dir "$BASE/crash" c2 stop
t0=$(now)
until "$LAB" exec --dir "$BASE/crash" c1 -- crm_mon -1 | grep -q 'OFFLINE: \[.*c2'; do
    [[ $(elapsed "$t0" "$(now)" | cut -d. -f1) -lt 30 ]] || { bad "c2 never OFFLINE after corosync stop"; break; }
    sleep 0.5
done
echo "c2 OFFLINE $(elapsed "$t0" "$(now)")s after corosync stop"
# an "agent" started through exec and left running, then the holder killed
setsid "$LAB" exec --dir "$BASE/crash" c1 -- sleep 1000 </dev/null >/dev/null 2>&1 &
sleep 0.5
kill -9 "$("$LAB" holder --dir "$BASE/crash" c1)"
down_timed "$BASE/crash"
echo "down after holder kill: ${DOWN_SECS}s"
assert_clean "$BASE/crash" "holder killed -9"
check "down is idempotent" "$LAB" down --dir "$BASE/crash"

if [[ $FAILED -eq 0 ]]; then echo "selftest: all checks passed"; else echo "selftest: FAILURES (see above)"; fi
exit "$FAILED"
