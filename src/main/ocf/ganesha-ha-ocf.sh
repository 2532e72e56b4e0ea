# shellcheck shell=sh disable=SC2034  # variables here are read by the entry points sourcing this
# ganesha-ha-ocf.sh: shared by the ganesha_mon, ganesha_grace, ganesha_nfsd and ganesha_takeover OCF
# entry points.
# Sourced from the directory the entry point runs from; never executed on its own.
#
# The entry points are thin on purpose. The decisions live in the resident node agent, which holds
# what a short-lived shell cannot (nfsd health over time, grace acknowledgements from the
# survivors), and every action except meta-data, validate-all, usage and help is forwarded to it
# over a unix socket (docs/agent-protocol.md). Pacemaker runs monitor every few seconds on every
# node for the life of the cluster, so the forwarding path costs one process, the socket client,
# and nothing else: no ocf-shellfuncs (sourcing it forks several processes), only shell builtins
# around the client. The client is OpenBSD netcat (nc.openbsd, about 0.8 ms to start here) when
# installed, else socat (about 2.4 ms: it links TLS and Kerberos libraries). The variable
# GANESHA_HA_OCF_CLIENT=socat forces socat.
#
# When the agent cannot answer (socket missing, connection refused, no valid "exit=" line before
# the deadline) each entry point falls back to what the GlusterFS agents did, so that restarting
# the agent never causes a failover and an nfsd that dies meanwhile is still acted upon. Fallbacks
# are the rare path: they may fork, and they always log that the agent was unreachable.

# OCF exit codes, defined here so that the hot path needs no ocf-returncodes.
OCF_SUCCESS=0
OCF_ERR_GENERIC=1
OCF_ERR_ARGS=2
OCF_ERR_UNIMPLEMENTED=3
OCF_ERR_PERM=4
OCF_ERR_INSTALLED=5
OCF_ERR_CONFIGURED=6
OCF_NOT_RUNNING=7

GHA_PROTOCOL="ganesha-ha-ocf 1"
# Written by the agent when a ganesha_mon or ganesha_grace instance starts, removed when it stops.
# tmpfs: it survives an agent restart, not a reboot. The fallbacks only read it.
GHA_RESOURCES_DIR=/run/ganesha-ha/resources
OCF_RESKEY_agent_socket_default=/run/ganesha-ha/agent.sock
# Pacemaker's default operation timeout, when the call carries none.
GHA_DEFAULT_TIMEOUT_MS=20000
GHA_MAX_GRACE_DELAY=3600
GHA_NL='
'
# Node names and values are expanded unquoted in a few lists: never as file name patterns.
set -f

#######################################################################
# Logging without ocf-shellfuncs. Pacemaker's executor logs what an agent writes to stderr (which
# is also where ocf_log ends up under Pacemaker 2.1) and takes the last "ocf-exit-reason:" line
# of it as the exit reason, as ocf_exit_reason does.

gha_log() {	# LEVEL MESSAGE...
	_gha_level=$1
	shift
	printf '%s(%s)[%s]: %s: %s\n' "$GHA_AGENT" "${OCF_RESOURCE_INSTANCE-}" "$$" \
		"$_gha_level" "$*" >&2
	case $_gha_level in
	ERROR|WARNING)
		# Rare path (fallbacks, refusals). Pacemaker logs agent stderr at info level only, so
		# these also go to syslog, where an operator on call looks first. (Pacemaker exports
		# its facility as HA_logfacility; ocf-shellfuncs looks for HA_LOGFACILITY.)
		_gha_fac=${HA_LOGFACILITY:-${HA_logfacility:-daemon}}
		case $_gha_fac in
		none) ;;
		*)	if command -v logger >/dev/null 2>&1; then
				case $_gha_level in ERROR) _gha_prio=err ;; *) _gha_prio=warning ;; esac
				logger -t "$GHA_AGENT(${OCF_RESOURCE_INSTANCE-})[$$]" \
					-p "$_gha_fac.$_gha_prio" -- "$_gha_level: $*" >/dev/null 2>&1
			fi ;;
		esac ;;
	esac
}

gha_exit_reason() {	# MESSAGE
	printf 'ocf-exit-reason:%s\n' "$1" >&2
}

#######################################################################
# Numbers and time, with builtins only.

# Sets GHA_UINT to $1 without leading zeros if $1 is a plain decimal of at most 9 digits
# (leading zeros would read as octal in shell arithmetic).
gha_uint() {
	case $1 in ''|*[!0-9]*) return 1 ;; esac
	GHA_UINT=$1
	while :; do
		case $GHA_UINT in 0?*) GHA_UINT=${GHA_UINT#0} ;; *) break ;; esac
	done
	[ ${#GHA_UINT} -le 9 ]
}

# Sets GHA_NOW to the milliseconds since boot (10 ms resolution), read without forking. Without
# /proc (never under Pacemaker) date(1) stands in, so that deadlines still pass.
gha_now() {
	_gha_up=
	{ read -r _gha_up _ </proc/uptime; } 2>/dev/null
	if gha_uint "${_gha_up%.*}${_gha_up#*.}"; then
		GHA_NOW=$((GHA_UINT * 10))
	else
		GHA_NOW=$(($(date +%s) % 100000000 * 1000))
	fi
}

# Sets GHA_SECS to $1 milliseconds written as seconds, for socat, timeout(1) and sleep(1).
gha_secs() {
	_gha_f=$(($1 % 1000))
	case $_gha_f in ?) _gha_f=00$_gha_f ;; ??) _gha_f=0$_gha_f ;; esac
	GHA_SECS=$(($1 / 1000)).$_gha_f
}

# Plans the time of this operation from Pacemaker's timeout (OCF_RESKEY_CRM_meta_timeout, ms).
# GHA_DEADLINE: when the entry point must have answered (a margin before Pacemaker kills it).
# GHA_AGENT_MS: how long the agent gets, leaving $1 ms for the fallback to act if it does not
# answer, but never less than half the time available.
gha_plan() {	# FALLBACK_RESERVE_MS
	gha_now
	GHA_T0=$GHA_NOW
	GHA_TIMEOUT=$GHA_DEFAULT_TIMEOUT_MS
	if gha_uint "${OCF_RESKEY_CRM_meta_timeout-}" && [ "$GHA_UINT" -gt 0 ]; then
		GHA_TIMEOUT=$GHA_UINT
	fi
	if [ "$GHA_TIMEOUT" -ge 5000 ]; then
		_gha_budget=$((GHA_TIMEOUT - 1000))
	else
		_gha_budget=$((GHA_TIMEOUT * 4 / 5))
	fi
	GHA_DEADLINE=$((GHA_T0 + _gha_budget))
	GHA_AGENT_MS=$((_gha_budget - $1))
	if [ "$GHA_AGENT_MS" -lt $((_gha_budget / 2)) ]; then
		GHA_AGENT_MS=$((_gha_budget / 2))
	fi
}

# Sets GHA_LEFT to the milliseconds left before GHA_DEADLINE (may be negative).
gha_left() {
	gha_now
	GHA_LEFT=$((GHA_DEADLINE - GHA_NOW))
}

#######################################################################
# Forwarding to the agent.

# Sends ACTION to the agent and waits at most MS milliseconds for its answer.
# 0: the agent answered; GHA_RC is its exit code, its log lines are logged, its reason printed.
# 1: unreachable; GHA_WHY says why for the log, GHA_WHY_SHORT for an exit reason (Pacemaker
#    keeps 128 characters of it), GHA_NOSOCAT is set if socat is not installed.
# Request lines: the protocol header, agent, action, budget_ms (how long this entry point waits
# for the answer: the agent must answer within it), OCF_RESOURCE_INSTANCE, every parameter the
# entry point declares in GHA_PARAMS (sent even when empty: empty means "default"), the meta data
# the agent needs, and for notify the notification variables.
gha_send() {	# ACTION MS
	GHA_RC=
	GHA_WHY=
	GHA_WHY_SHORT=
	GHA_NOSOCAT=
	_gha_sock=${OCF_RESKEY_agent_socket:-$OCF_RESKEY_agent_socket_default}
	if [ ! -S "$_gha_sock" ]; then
		command -v socat >/dev/null 2>&1 || command -v nc.openbsd >/dev/null 2>&1 || GHA_NOSOCAT=1
		GHA_WHY="no agent socket at $_gha_sock"
		GHA_WHY_SHORT="no socket"
		return 1
	fi
	_gha_action=$1
	_gha_wait=$2
	gha_secs "$_gha_wait"
	_gha_socat_secs=$GHA_SECS
	set -- OCF_RESOURCE_INSTANCE
	for _gha_p in $GHA_PARAMS; do
		set -- "$@" "OCF_RESKEY_$_gha_p"
	done
	set -- "$@" OCF_RESKEY_CRM_meta_on_node OCF_RESKEY_CRM_meta_timeout OCF_RESKEY_CRM_meta_interval
	if [ "$_gha_action" = notify ]; then
		set -- "$@" OCF_RESKEY_CRM_meta_notify_type OCF_RESKEY_CRM_meta_notify_operation \
			OCF_RESKEY_CRM_meta_notify_stop_uname OCF_RESKEY_CRM_meta_notify_start_uname \
			OCF_RESKEY_CRM_meta_notify_active_uname OCF_RESKEY_CRM_meta_notify_inactive_uname
	fi
	# The request is assembled with builtins and handed to socat as a here-document: the only
	# process is the command substitution's child, which execs socat. (A printf piped into socat
	# would fork one more shell per call.)
	_gha_req="$GHA_PROTOCOL${GHA_NL}agent=$GHA_AGENT${GHA_NL}action=$_gha_action${GHA_NL}budget_ms=$_gha_wait$GHA_NL"
	_gha_v=
	for _gha_p in "$@"; do
		eval "_gha_v=\${$_gha_p-}"
		case $_gha_v in
		*"$GHA_NL"*)
			# it would forge request lines: refuse rather than send
			GHA_WHY="$_gha_p holds a newline, request not sent"
			GHA_WHY_SHORT="newline in $_gha_p"
			return 1 ;;
		esac
		_gha_req="$_gha_req$_gha_p=$_gha_v$GHA_NL"
	done
	# -t/-T bound the wait for the reply; connect-timeout makes a full backlog (an agent that
	# stopped accepting) fail at once instead of blocking past Pacemaker's timeout. The
	# here-document adds the empty line that ends the request.
	gha_now
	_gha_sent=$GHA_NOW
	# nc.openbsd: -N half-closes after the request, -w bounds connect and every wait, in whole
	# seconds only, so a budget under one second goes through socat.
	if [ "${GANESHA_HA_OCF_CLIENT-}" != socat ] && [ "$_gha_wait" -ge 1000 ] && command -v nc.openbsd >/dev/null 2>&1; then
		_gha_reply=$(nc.openbsd -N -U -w $((_gha_wait / 1000)) "$_gha_sock" 2>/dev/null <<EOF
$_gha_req
EOF
)
	else
		_gha_reply=$(socat -t "$_gha_socat_secs" -T "$_gha_socat_secs" - \
			"UNIX-CONNECT:$_gha_sock,connect-timeout=$_gha_socat_secs" 2>/dev/null <<EOF
$_gha_req
EOF
)
	fi
	_gha_socat_rc=$?
	if [ "$_gha_socat_rc" = 127 ]; then
		GHA_NOSOCAT=1
		GHA_WHY="socat not found"
		GHA_WHY_SHORT=$GHA_WHY
		return 1
	fi
	# socat cut off by its timeout exits 0 like a finished one, and the command substitution
	# drops trailing newlines: if the deadline was reached, the last line may be cut short
	# ("exit=1" of "exit=10"), so it is dropped.
	gha_now
	if [ $((GHA_NOW - _gha_sent + 20)) -ge "$_gha_wait" ]; then
		_gha_reply=${_gha_reply%"${_gha_reply##*"$GHA_NL"}"}
	fi
	GHA_REASON=
	while IFS= read -r _gha_line; do
		case $_gha_line in
		exit=*)
			if [ -z "$GHA_RC" ] && gha_uint "${_gha_line#exit=}" && [ "$GHA_UINT" -le 255 ]; then
				GHA_RC=$GHA_UINT
			fi ;;
		reason=*)
			GHA_REASON=${_gha_line#reason=} ;;
		log=*)
			gha_log INFO "agent: ${_gha_line#log=}" ;;
		esac
	done <<EOF
$_gha_reply
EOF
	if [ -n "$GHA_RC" ]; then
		[ -z "$GHA_REASON" ] || gha_exit_reason "$GHA_REASON"
		return 0
	fi
	if [ -z "$_gha_reply" ] && [ "$_gha_socat_rc" != 0 ]; then
		GHA_WHY="cannot connect to $_gha_sock (client exit $_gha_socat_rc)"
		GHA_WHY_SHORT="cannot connect"
	else
		GHA_WHY="no valid exit= line from $_gha_sock within ${_gha_socat_secs}s"
		GHA_WHY_SHORT="no answer within ${_gha_socat_secs}s"
	fi
	return 1
}

# Plans the operation (see gha_plan), then sends ACTION; returns as gha_send.
gha_forward() {	# ACTION FALLBACK_RESERVE_MS
	gha_plan "$2"
	gha_send "$1" "$GHA_AGENT_MS"
}

# When socat is missing, the agent can never be reached: OCF_ERR_INSTALLED, said loudly.
gha_socat_missing() {
	[ -n "$GHA_NOSOCAT" ] || return 1
	gha_log ERROR "socat is not installed: cannot reach the node agent for $__OCF_ACTION"
	gha_exit_reason "socat is not installed: the node agent cannot be reached"
	return 0
}

#######################################################################
# Parameter validation (validate-all, and before forwarding start): builtins only. Each check
# prints an exit reason naming the parameter and its value and returns OCF_ERR_CONFIGURED.

gha_invalid() {	# MESSAGE
	gha_log ERROR "$1"
	gha_exit_reason "$1"
	return $OCF_ERR_CONFIGURED
}

gha_check_attr_name() {	# PARAMETER VALUE
	case $2 in
	''|*[!A-Za-z0-9_.-]*)
		gha_invalid "parameter $1='$2' is not a node attribute name (letters, digits, '_', '.', '-')"
		return ;;
	esac
}

gha_check_abs_path() {	# PARAMETER VALUE
	case $2 in
	*"$GHA_NL"*)
		gha_invalid "parameter $1 holds a newline"
		return ;;
	/*) ;;
	*)	gha_invalid "parameter $1='$2' is not an absolute path"
		return ;;
	esac
}

# socat parses its address: these characters would change what it connects to.
gha_check_socket() {	# PARAMETER VALUE
	gha_check_abs_path "$1" "$2" || return
	case $2 in
	*[!A-Za-z0-9_./@+-]*)
		gha_invalid "parameter $1='$2' may only hold letters, digits and '_./@+-'"
		return ;;
	esac
}

gha_check_seconds() {	# PARAMETER VALUE
	if ! gha_uint "$2" || [ "$GHA_UINT" -gt $GHA_MAX_GRACE_DELAY ]; then
		gha_invalid "parameter $1='$2' is not a whole number of seconds from 0 to $GHA_MAX_GRACE_DELAY"
		return
	fi
}

#######################################################################
# Helpers of the fallbacks (rare path: forking is fine here, and every external call is bounded).

# Sets GHA_NODE to Pacemaker's name for this node: the name attrd and the notify lists use.
# Never the host name (GlusterFS's agents used it, and short vs. fully qualified names did not match).
gha_local_node() {
	GHA_NODE=${OCF_RESKEY_CRM_meta_on_node-}
	[ -z "$GHA_NODE" ] || return 0
	GHA_NODE=$(timeout 5 crm_node -n 2>/dev/null)
	case $GHA_NODE in
	''|*[[:space:]]*) GHA_NODE= ; return 1 ;;
	esac
}

# Bounded external call: at most min(MAX_MS, time left before the deadline - 200 ms), at least
# 200 ms. Sets GHA_OUT to its output (stdout and stderr) and returns its status.
gha_run() {	# MAX_MS COMMAND...
	gha_left
	_gha_ms=$((GHA_LEFT - 200))
	[ "$_gha_ms" -le "$1" ] || _gha_ms=$1
	[ "$_gha_ms" -ge 200 ] || _gha_ms=200
	shift
	gha_secs "$_gha_ms"
	GHA_OUT=$(timeout -k 1 "$GHA_SECS" "$@" 2>&1)
}

# Is the ganesha.nfsd named by the pid file alive? Any doubt reads as "gone": a pid file being
# rewritten, a pid that died between two reads, a pid recycled by another program, a zombie
# (nfsd dying mid-check must read as gone, never as a shell error, as GlusterFS's agents once failed).
# Sets GHA_PID, and GHA_GONE to a description of why not.
gha_nfsd_alive() {	# PID_FILE
	GHA_PID=
	GHA_GONE=
	_gha_pid=
	if ! { read -r _gha_pid _ <"$1" || [ -n "$_gha_pid" ]; } 2>/dev/null; then
		GHA_GONE="pid file $1 missing, unreadable or empty"
		return 1
	fi
	if ! gha_uint "$_gha_pid" || [ "$GHA_UINT" -eq 0 ]; then
		GHA_GONE="pid file $1 holds no pid ('$_gha_pid')"
		return 1
	fi
	GHA_PID=$GHA_UINT
	_gha_stat=
	if ! { read -r _gha_stat </proc/"$GHA_PID"/stat; } 2>/dev/null || [ -z "$_gha_stat" ]; then
		GHA_GONE="no process $GHA_PID (pid file $1)"
		return 1
	fi
	# /proc/PID/stat is "pid (comm) state ...": comm may hold spaces and ')', it ends at the last ')'.
	_gha_comm=${_gha_stat#*\(}
	_gha_comm=${_gha_comm%\)*}
	_gha_state=${_gha_stat##*\) }
	_gha_state=${_gha_state%% *}
	if [ "$_gha_comm" != ganesha.nfsd ]; then
		GHA_GONE="process $GHA_PID is '$_gha_comm', not ganesha.nfsd (pid file $1)"
		return 1
	fi
	case $_gha_state in
	Z|X)	GHA_GONE="ganesha.nfsd $GHA_PID has exited (state $_gha_state)"
		return 1 ;;
	esac
	return 0
}

# Deletes a transient node attribute of this node (attrd_updater -D). Logs the outcome.
gha_attr_delete() {	# NAME
	if [ -n "$GHA_NODE" ]; then
		gha_run 5000 attrd_updater -D -n "$1" -N "$GHA_NODE"
	else
		gha_run 5000 attrd_updater -D -n "$1"
	fi
	_gha_rc=$?
	if [ $_gha_rc -eq 0 ]; then
		gha_log WARNING "fallback: deleted node attribute $1 on ${GHA_NODE:-this node}"
	else
		gha_log ERROR "fallback: attrd_updater -D -n $1 failed (exit $_gha_rc): $GHA_OUT"
	fi
	return $_gha_rc
}

# Reads a transient node attribute of this node. attrd_updater -Q prints
# name="grace-active" host="n1" value="1"; it is parsed field by field (a glob on this output failed on real GlusterFS clusters), and
# an empty value means deleted (attrd_updater -D empties it). Sets GHA_ATTR to one of
# set (GHA_ATTR_VALUE holds the value), deleted, absent (never set on this node), error.
gha_attr_query() {	# NAME
	if [ -n "$GHA_NODE" ]; then
		gha_run 5000 attrd_updater -Q -n "$1" -N "$GHA_NODE"
	else
		gha_run 5000 attrd_updater -Q -n "$1"
	fi
	_gha_rc=$?
	GHA_ATTR=absent
	GHA_ATTR_VALUE=
	while IFS= read -r _gha_line; do
		gha_field "$_gha_line" name || continue
		[ "$GHA_FIELD" = "$1" ] || continue
		if [ -n "$GHA_NODE" ]; then
			gha_field "$_gha_line" host || continue
			[ "$GHA_FIELD" = "$GHA_NODE" ] || continue
		fi
		gha_field "$_gha_line" value || continue
		GHA_ATTR_VALUE=$GHA_FIELD
		if [ -n "$GHA_ATTR_VALUE" ]; then GHA_ATTR="set"; else GHA_ATTR="deleted"; fi
		return 0
	done <<EOF
$GHA_OUT
EOF
	case $GHA_OUT in
	# attrd_updater's words when the attribute was never set on this node
	*"attribute does not exist"*|*"No such device or address"*) return 0 ;;
	esac
	[ $_gha_rc -eq 0 ] && return 0
	GHA_ATTR=error
	return 1
}

# Sets GHA_FIELD to the value of the NAME="..." field of an attrd_updater line.
gha_field() {	# LINE NAME
	case " $1" in
	*" $2=\""*) ;;
	*)	return 1 ;;
	esac
	GHA_FIELD=" $1"
	GHA_FIELD=${GHA_FIELD#*" $2=\""}
	case $GHA_FIELD in
	*\"*) GHA_FIELD=${GHA_FIELD%%\"*} ;;
	*)	return 1 ;;
	esac
}

# Is this ganesha_mon / ganesha_grace instance started? The agent records it; see above.
gha_instance_started() {
	[ -n "${OCF_RESOURCE_INSTANCE-}" ] && [ -e "$GHA_RESOURCES_DIR/$OCF_RESOURCE_INSTANCE" ]
}

# A fallback start or stop records it as the agent would (same file, same format: the agent's
# "ganesha-ha.agent" key plus NAME=VALUE parameters), so that the next monitor, answered by the
# agent or by a fallback, agrees with what Pacemaker was told. Otherwise a start answered while
# the agent is down would be followed by "not running" and a restart loop.
gha_instance_record() {	# started|stopped [NAME=VALUE...]
	case ${OCF_RESOURCE_INSTANCE-} in
	''|*/*|.*) return 0 ;;
	esac
	_gha_file=$GHA_RESOURCES_DIR/$OCF_RESOURCE_INSTANCE
	if [ "$1" = started ]; then
		shift
		{ mkdir -p "$GHA_RESOURCES_DIR" &&
			printf '%s\n' "ganesha-ha.agent=$GHA_AGENT" "$@" >"$_gha_file.new" &&
			mv -f "$_gha_file.new" "$_gha_file"; } 2>/dev/null
	else
		rm -f "$_gha_file" 2>/dev/null
	fi || gha_log ERROR "fallback: cannot record that $OCF_RESOURCE_INSTANCE $1 in $GHA_RESOURCES_DIR"
}

# Asks the local ganesha.nfsd over D-Bus (dbus-send, the fallbacks' only way) to enter grace with
# recovery EVENT for KEY (a peer's node name), waiting at most MS milliseconds. GHA_OUT holds
# dbus-send's answer; 0 only if ganesha answered status true.
gha_dbus_grace() {	# EVENT KEY MS
	gha_secs $(($3 + 300))
	GHA_OUT=$(timeout -k 1 "$GHA_SECS" dbus-send --system --print-reply \
		--reply-timeout="$3" --dest=org.ganesha.nfsd /org/ganesha/nfsd/admin \
		org.ganesha.nfsd.admin.grace "string:$1:$2" 2>&1)
	_gha_rc=$?
	case $_gha_rc:$GHA_OUT in
	0:*"boolean true"*) return 0 ;;
	esac
	GHA_OUT="exit $_gha_rc: $(printf '%s' "$GHA_OUT" | tr '\n' ' ')"
	return 1
}
