# shellcheck shell=sh disable=SC2034  # variables here are read by the entry points sourcing this
# ganesha-ha-ocf.sh: sourced by the ganesha_mon, ganesha_grace, ganesha_nfsd and ganesha_takeover
# OCF entry points, from the directory they run from; never executed on its own.
#
# The entry points are thin: meta-data and validate-all are answered here, every other action is
# forwarded to the resident node agent over its unix socket (docs/agent-protocol.md), which holds
# what a short-lived shell cannot (nfsd health over time, the survivors' grace acknowledgements).
# Pacemaker runs monitors every few seconds on every node, so forwarding costs one process, the
# socket client (OpenBSD netcat, about 0.8 ms to start; socat, about 2.4 ms, when netcat is absent
# or GANESHA_HA_OCF_CLIENT=socat), and shell builtins around it: no ocf-shellfuncs.
#
# When the agent does not answer (restart, DaemonSet roll), each entry point does the least that
# is safe without it, as GlusterFS's agents did: an agent restart must never cause a failover, and
# an nfsd that dies meanwhile must still move its virtual IP. Those fallbacks may fork, bound every
# external call, and always say in the log that the agent was unreachable.

OCF_SUCCESS=0
OCF_ERR_GENERIC=1
OCF_ERR_UNIMPLEMENTED=3
OCF_ERR_INSTALLED=5
OCF_ERR_CONFIGURED=6
OCF_NOT_RUNNING=7

OCF_RESKEY_agent_socket_default=/run/ganesha-ha/agent.sock
# Which instances are started: written by the agent (or a fallback) on start, removed on stop
# (the variable is for tests of these scripts; Pacemaker never sets it).
# tmpfs: it survives an agent restart, not a reboot.
GHA_RESOURCES_DIR=${GANESHA_HA_RESOURCES_DIR:-/run/ganesha-ha/resources}
GHA_NL='
'
# Node names are expanded unquoted in lists: never as file name patterns.
set -f

# Logging without ocf-shellfuncs: Pacemaker logs an agent's stderr and takes its last
# "ocf-exit-reason:" line as the exit reason. Warnings and errors (the fallbacks) also go to
# syslog, where whoever is on call looks first.
gha_log() {	# LEVEL MESSAGE
	printf '%s(%s)[%s]: %s: %s\n' "$GHA_AGENT" "${OCF_RESOURCE_INSTANCE-}" "$$" "$1" "$2" >&2
	case $1:${HA_logfacility:-daemon} in
	INFO:*|*:none) ;;
	*)	command -v logger >/dev/null 2>&1 &&
			logger -t "$GHA_AGENT(${OCF_RESOURCE_INSTANCE-})" -p "${HA_logfacility:-daemon}.warning" -- "$1: $2" ;;
	esac
}

gha_exit_reason() {	# MESSAGE
	printf 'ocf-exit-reason:%s\n' "$1" >&2
}

# validate-all: each check names the parameter and its value, and returns OCF_ERR_CONFIGURED.
gha_invalid() {	# MESSAGE
	gha_log ERROR "$1"
	gha_exit_reason "$1"
	return $OCF_ERR_CONFIGURED
}

gha_check() {	# KIND PARAMETER VALUE   (KIND: attribute, path, socket, seconds, node)
	case $1:$3 in
	attribute:*[!A-Za-z0-9_.-]*|attribute:)
		gha_invalid "parameter $2='$3' is not a node attribute name (letters, digits, '_', '.', '-')" ;;
	path:/*"$GHA_NL"*|socket:/*"$GHA_NL"*)
		gha_invalid "parameter $2 holds a newline" ;;
	socket:/*[!A-Za-z0-9_./@+-]*)	# the socket client would parse these
		gha_invalid "parameter $2='$3' may only hold letters, digits and '_./@+-'" ;;
	path:/*|socket:/*) ;;
	path:*|socket:*)
		gha_invalid "parameter $2='$3' is not an absolute path" ;;
	seconds:*[!0-9]*|seconds:|seconds:??????*)
		gha_invalid "parameter $2='$3' is not a whole number of seconds from 0 to 3600" ;;
	seconds:*)
		[ "$3" -le 3600 ] || gha_invalid "parameter $2='$3' is not a whole number of seconds from 0 to 3600" ;;
	node:*[[:space:]/]*|node:)
		gha_invalid "parameter $2='$3' is not a Pacemaker node name" ;;
	esac
}

# Is NODE a node of this cluster: in the membership (crm_node -l) or in the CIB's node list (a
# node that is down right now is still one)? When Pacemaker does not answer, it cannot be told:
# say so and let it pass (validate-all must not fail a good configuration for a busy cluster).
gha_check_member() {	# PARAMETER NODE
	_gha_members=$(timeout 5 crm_node -l 2>/dev/null | while read -r _id _name _state; do printf '%s ' "$_name"; done)
	_gha_cib=$(timeout 5 cibadmin --query --scope nodes 2>/dev/null) || _gha_cib=
	if [ -z "$_gha_members" ] && [ -z "$_gha_cib" ]; then
		gha_log WARNING "cannot list the cluster's nodes (crm_node -l, cibadmin); $1='$2' not checked"
		return 0
	fi
	case " $_gha_members " in *" $2 "*) return 0 ;; esac
	case $_gha_cib in *" uname=\"$2\""*) return 0 ;; esac
	gha_invalid "parameter $1='$2' is not a node of this cluster (nodes: ${_gha_members% })"
}

# Sets GHA_DEADLINE, when this action must have answered: a second before Pacemaker's timeout
# (OCF_RESKEY_CRM_meta_timeout, ms), a fifth of it when that is short. GHA_BUDGET_MS is the time
# from now to the deadline.
gha_plan() {
	GHA_TIMEOUT_MS=${OCF_RESKEY_CRM_meta_timeout-}
	GHA_TIMEOUT_MS=${GHA_TIMEOUT_MS#"${GHA_TIMEOUT_MS%%[!0]*}"}	# no octal
	case $GHA_TIMEOUT_MS in ''|*[!0-9]*|??????????*) GHA_TIMEOUT_MS=20000 ;; esac
	if [ "$GHA_TIMEOUT_MS" -ge 5000 ]; then GHA_BUDGET_MS=$((GHA_TIMEOUT_MS - 1000))
	else GHA_BUDGET_MS=$((GHA_TIMEOUT_MS * 4 / 5)); fi
	gha_now
	GHA_DEADLINE=$((GHA_NOW + GHA_BUDGET_MS))
}

# Forwards ACTION to the agent, leaving RESERVE_MS of Pacemaker's timeout (OCF_RESKEY_CRM_meta_timeout)
# for the fallback, and waiting at most MAX_MS when given. 0: the agent answered, GHA_RC is its exit code (its log lines are logged, its
# reason printed). 1: it did not; GHA_WHY says why. Request: the protocol header, agent, action,
# budget_ms (the agent answers within it), the instance, every parameter in GHA_PARAMS (empty
# means "default"), the meta data the agent needs, and for notify the notification lists.
gha_forward() {	# ACTION RESERVE_MS [MAX_MS]
	GHA_RC=
	GHA_WHY=
	_gha_action=$1
	[ -n "${GHA_DEADLINE-}" ] || gha_plan
	gha_now
	_gha_wait=$((GHA_DEADLINE - GHA_NOW - $2))
	[ "$_gha_wait" -ge $(((GHA_DEADLINE - GHA_NOW) / 2)) ] || _gha_wait=$(((GHA_DEADLINE - GHA_NOW) / 2))
	[ -z "${3-}" ] || [ "$_gha_wait" -le "$3" ] || _gha_wait=$3
	[ "$_gha_wait" -ge 100 ] || _gha_wait=100
	_gha_sock=${OCF_RESKEY_agent_socket:-$OCF_RESKEY_agent_socket_default}
	if [ ! -S "$_gha_sock" ]; then
		GHA_WHY="no agent socket at $_gha_sock"
		return 1
	fi
	set -- OCF_RESOURCE_INSTANCE
	for _gha_p in $GHA_PARAMS; do set -- "$@" "OCF_RESKEY_$_gha_p"; done
	set -- "$@" OCF_RESKEY_CRM_meta_on_node OCF_RESKEY_CRM_meta_timeout OCF_RESKEY_CRM_meta_interval
	[ "$_gha_action" != notify ] || set -- "$@" OCF_RESKEY_CRM_meta_notify_type \
		OCF_RESKEY_CRM_meta_notify_operation OCF_RESKEY_CRM_meta_notify_stop_uname \
		OCF_RESKEY_CRM_meta_notify_start_uname OCF_RESKEY_CRM_meta_notify_active_uname \
		OCF_RESKEY_CRM_meta_notify_inactive_uname
	_gha_req="ganesha-ha-ocf 1${GHA_NL}agent=$GHA_AGENT${GHA_NL}action=$_gha_action${GHA_NL}budget_ms=$_gha_wait"
	for _gha_p in "$@"; do
		eval "_gha_v=\${$_gha_p-}"
		case $_gha_v in *"$GHA_NL"*)	# it would forge request lines
			GHA_WHY="$_gha_p holds a newline, request not sent"
			return 1 ;;
		esac
		_gha_req="$_gha_req$GHA_NL$_gha_p=$_gha_v"
	done
	# The request goes in as a here-document, so the only process is the one the command
	# substitution execs. Both clients bound the connect and every wait; a here-document ends
	# with the empty line that ends the request.
	if [ "${GANESHA_HA_OCF_CLIENT-}" != socat ] && [ "$_gha_wait" -ge 1000 ] && command -v nc.openbsd >/dev/null; then
		_gha_reply=$(nc.openbsd -N -U -w $((_gha_wait / 1000)) "$_gha_sock" 2>/dev/null <<EOF
$_gha_req

EOF
)
	else
		_gha_s=$((_gha_wait / 1000)).$((_gha_wait % 1000 / 100))
		_gha_reply=$(socat -t "$_gha_s" -T "$_gha_s" - "UNIX-CONNECT:$_gha_sock,connect-timeout=$_gha_s" 2>/dev/null <<EOF
$_gha_req

EOF
)
	fi
	# Only an answer that reached its "end" line counts: one cut off by the client's timeout may
	# end in a truncated "exit=1" of "exit=10".
	case $GHA_NL$_gha_reply in
	*"${GHA_NL}end") ;;
	"$GHA_NL")
		GHA_WHY="no answer from $_gha_sock within ${_gha_wait}ms"
		command -v nc.openbsd >/dev/null || command -v socat >/dev/null ||
			GHA_WHY="neither nc.openbsd nor socat is installed to reach $_gha_sock"
		return 1 ;;
	*)	GHA_WHY="no complete answer from $_gha_sock within ${_gha_wait}ms"
		return 1 ;;
	esac
	while IFS= read -r _gha_line; do
		case $_gha_line in
		exit=*)	[ -n "$GHA_RC" ] || GHA_RC=${_gha_line#exit=} ;;
		reason=*) gha_exit_reason "${_gha_line#reason=}" ;;
		log=*)	gha_log INFO "agent: ${_gha_line#log=}" ;;
		esac
	done <<EOF
$_gha_reply
EOF
	case $GHA_RC in ''|*[!0-9]*|????*)
		GHA_WHY="no valid exit= line from $_gha_sock"
		return 1 ;;
	esac
	return 0
}

# GHA_NOW: milliseconds since boot, read without forking (/proc/uptime, 10 ms resolution). The
# first gha_forward of an action sets GHA_DEADLINE, when the answer is due; GHA_LEFT is what remains.
gha_now() {
	_gha_up=
	{ read -r _gha_up _ </proc/uptime; } 2>/dev/null
	_gha_up=${_gha_up%.*}${_gha_up#*.}
	_gha_up=${_gha_up#"${_gha_up%%[!0]*}"}
	GHA_NOW=$((${_gha_up:-0} * 10))
	GHA_LEFT=$((${GHA_DEADLINE:-$GHA_NOW} - GHA_NOW))
}

# The fallbacks' view of the cluster. Every external call is bounded by timeout(1).

# GHA_NODE: Pacemaker's name for this node, the name attrd and the notify lists use; never the host
# name (short names against FQDNs broke GlusterFS's agents).
gha_node() {
	GHA_NODE=${OCF_RESKEY_CRM_meta_on_node:-$(timeout 5 crm_node -n 2>/dev/null)}
	case $GHA_NODE in ''|*[[:space:]]*) GHA_NODE=; return 1 ;; esac
}

# GHA_VALUE: this node's value of a transient attribute, empty when unset or deleted (attrd_updater
# -D leaves value=""). The output is parsed field by field: a glob on it failed on real GlusterFS
# clusters. 1 (also in GHA_ATTR_RC, GHA_VALUE holding the error) when attrd could not be asked.
gha_attr() {	# NAME
	gha_node
	GHA_VALUE=$(timeout 5 attrd_updater -Q -n "$1" ${GHA_NODE:+-N "$GHA_NODE"} 2>&1)
	_gha_rc=$?
	case $GHA_VALUE in
	*'value="'*) _gha_rc=0
		GHA_VALUE=${GHA_VALUE#*value=\"}
		GHA_VALUE=${GHA_VALUE%%\"*} ;;
	*"attribute does not exist"*|*"No such device or address"*) GHA_VALUE= ; _gha_rc=0 ;;
	*)	[ $_gha_rc -ne 0 ] || GHA_VALUE= ;;
	esac
	GHA_ATTR_RC=$_gha_rc
	return $_gha_rc
}

gha_attr_delete() {	# NAME
	if timeout 5 attrd_updater -D -n "$1" ${GHA_NODE:+-N "$GHA_NODE"} >/dev/null 2>&1; then
		gha_log WARNING "fallback: deleted node attribute $1 on ${GHA_NODE:-this node}"
	else
		gha_log ERROR "fallback: could not delete node attribute $1 on ${GHA_NODE:-this node}"
	fi
}

# Is the ganesha.nfsd named by the pid file alive? Any doubt reads as gone (a pid file being
# rewritten, a dead or recycled pid, a zombie): nfsd dying mid-check must read as gone, never as a
# shell error. GHA_GONE says why not.
gha_nfsd_alive() {	# PID_FILE
	_gha_pid=
	{ read -r _gha_pid _ <"$1" || [ -n "$_gha_pid" ]; } 2>/dev/null
	case $_gha_pid in ''|*[!0-9]*|0)
		GHA_GONE="no pid in $1"
		return 1 ;;
	esac
	_gha_stat=
	{ read -r _gha_stat </proc/"$_gha_pid"/stat; } 2>/dev/null
	case $_gha_stat in
	*"(ganesha.nfsd) "[ZX]*) GHA_GONE="ganesha.nfsd $_gha_pid has exited" ; return 1 ;;
	*"(ganesha.nfsd) "*) return 0 ;;
	esac
	GHA_GONE="no ganesha.nfsd with pid $_gha_pid (pid file $1)"
	return 1
}

# Asks the local ganesha.nfsd over D-Bus for grace with recovery EVENT (5: take over the clients of
# node KEY, whose records the shared layout links under that name; 0: just grace).
gha_dbus_grace() {	# EVENT KEY
	if timeout -k 1 5 dbus-send --system --print-reply --reply-timeout=4000 --dest=org.ganesha.nfsd \
		/org/ganesha/nfsd/admin org.ganesha.nfsd.admin.grace "string:$1:$2" 2>&1 | grep -q 'boolean true'; then
		gha_log WARNING "fallback: local ganesha.nfsd in grace (event $1) for $2"
	else
		gha_log ERROR "fallback: grace (event $1) for $2 failed"
	fi
}

# Started instances, recorded as the agent records them (its "ganesha-ha.agent" key and the
# parameters), so that whoever answers the next monitor agrees with what Pacemaker was told.
gha_started() {
	[ -n "${OCF_RESOURCE_INSTANCE-}" ] && [ -e "$GHA_RESOURCES_DIR/$OCF_RESOURCE_INSTANCE" ]
}

gha_record() {	# started|stopped [NAME=VALUE...]
	case ${OCF_RESOURCE_INSTANCE-} in ''|*/*|.*) return 0 ;; esac
	_gha_file=$GHA_RESOURCES_DIR/$OCF_RESOURCE_INSTANCE
	if [ "$1" = started ]; then
		shift
		{ mkdir -p "$GHA_RESOURCES_DIR" && printf '%s\n' "ganesha-ha.agent=$GHA_AGENT" "$@" >"$_gha_file.new" &&
			mv -f "$_gha_file.new" "$_gha_file"; } 2>/dev/null
	else
		rm -f "$_gha_file"
	fi || gha_log ERROR "fallback: cannot record that $OCF_RESOURCE_INSTANCE $1 in $GHA_RESOURCES_DIR"
}

# The usage text and the dispatch every entry point shares; ACTIONS lists the ones it has beyond
# meta-data, validate-all, usage and help, each a function named <agent>_<action>.
gha_main() {	# ACTIONS
	case " $1 meta-data validate-all usage help " in
	*" ${__OCF_ACTION:-none} "*) ;;
	*)	echo "usage: $0 {$(echo "$1 validate-all meta-data usage help" | tr ' ' '|')}" >&2
		exit $OCF_ERR_UNIMPLEMENTED ;;
	esac
	case $__OCF_ACTION in
	usage|help) echo "usage: $0 {$(echo "$1 validate-all meta-data usage help" | tr ' ' '|')}" ;;
	meta-data) "${GHA_AGENT}_meta_data" ;;
	validate-all)	# the fuller check where the agent has one (it asks the cluster; start does not)
		if command -v "${GHA_AGENT}_validate_all" >/dev/null 2>&1; then "${GHA_AGENT}_validate_all"
		else "${GHA_AGENT}_validate"; fi ;;
	status) "${GHA_AGENT}_monitor" ;;
	*) "${GHA_AGENT}_$__OCF_ACTION" ;;
	esac
	exit $?
}
