# steps-zdtm.sh, sourced by run-e2e.sh: CRIU's zdtm test suite: step 6.
# shellcheck shell=bash

TITLE[6]="zdtm: busyloop00 with the inventory plugins; sigpending, pthread00 with mocked cuda"

# ---- step 6: zdtm -------------------------------------------------------------------
# zdtm_run NAME PLUGIN... -- ZDTM ARGS...: runs zdtm.py (Debian's python3)
# with --keep-img always, then checks each kept dump/restore log shows each
# PLUGIN loaded
zdtm_run() {
	local name=$1 plugins=() log rc
	shift
	while [ "$1" != -- ]; do
		plugins+=("$1")
		shift
	done
	shift
	log=$WORK/zdtm-$name.log
	rm -rf "$LIB_SRC/test/dump"
	echo "  running (in $LIB_SRC/test): $PY ./zdtm.py run $* --keep-img always"
	(cd "$LIB_SRC/test" && timeout 300 "$PY" ./zdtm.py run "$@" --keep-img always) >"$log" 2>&1
	rc=$?
	grep -E "^=+ Test .* (PASS|FAIL)" "$log" | sed 's/^/      /'
	if [ "$rc" = 0 ]; then ok "zdtm $name exited 0"; else
		bad "zdtm $name exited $rc (log $log)"
		tail -n 30 "$log" | sed 's/^/      | /'
	fi
	kept_logs_load "zdtm $name" 2 "${plugins[@]}"
	rm -rf "$LIB_SRC/test/dump"
}
# kept_logs_load WHAT MIN PLUGIN...: each dump/restore log zdtm kept (at
# least MIN of them) shows each PLUGIN loaded with the release's hook count
kept_logs_load() {
	local what=$1 min=$2 f p n=0
	shift 2
	while read -r f; do
		n=$((n + 1))
		for p in "$@"; do
			grep -Eq "Plugin \"$p\" \(version 512 hooks $R_HOOKS\)" "$f" ||
				bad "$what: ${f#"$LIB_SRC"/test/} does not show plugin $p loaded (hooks $R_HOOKS)"
		done
	done < <(find "$LIB_SRC/test/dump" \( -name 'dump.log' -o -name 'restore.log' \) 2>/dev/null)
	if [ "$n" -ge "$min" ]; then ok "$what: $* loaded in all $n kept dump/restore logs"; else bad "$what: kept only $n dump/restore logs"; fi
}
step6() {
	begin 6
	if need lib; then
		zdtm_run inventory inventory_test_enabled_plugin inventory_test_disabled_plugin -- \
			-t zdtm/static/busyloop00 -f uns --criu-plugin inventory_test_enabled inventory_test_disabled
		zdtm_run cuda cuda_plugin -- \
			-t zdtm/static/sigpending -t zdtm/static/pthread00 -f uns --mocked-cuda-checkpoint --fault 138
	fi
	end
}

# ---- steps 11, 13, 16, 17: zdtm in other modes, stock and library alike -----
TITLE[11]="zdtm --rpc (criu swrk, the plugins from CRIU_LIBS_DIR in zdtm's environment): stock and library alike"
TITLE[13]="zdtm --page-server with mocked cuda: stock and library alike"
TITLE[16]="zdtm --pre 2 (pre-dumps, soft-dirty tracking) with mocked cuda: stock and library alike"
TITLE[17]="zdtm --lazy-pages (userfaultfd) with mocked cuda: stock and library alike"
# The static tests every mode runs, ten (each takes about 1.5 s per run):
# processes, threads, signals, zombies, pipes, fifos, mappings, the working
# folder. Not socket_listen or inotify00: on some kernels they fail in both
# builds.
ZDTM_TESTS="env00 busyloop00 sigpending pthread00 pipe00 fifo maps00 sleeping00 zombie00 cwd00"

# zdtm_kept_lines DUMP: the lines of every log zdtm kept under DUMP that the
# two loaders must agree on (log_lines), each prefixed "TEST ITER LOG: ", in
# the order of test, iteration and log name (the test's pid left out)
zdtm_kept_lines() {
	local dump=$1 rel key
	while read -r rel; do
		# zdtm/static/NAME/PID/ITER/LOG
		key=$(sed -E 's#^(.*)/[0-9]+/([0-9]+)/([^/]+)$#\1 \2 \3#' <<<"$rel")
		log_lines "$dump/$rel" | sed "s#^#$key: #"
	done < <(cd "$dump" 2>/dev/null && find . -name '*.log' -printf '%P\n' | LC_ALL=C sort)
}

# zdtm_both NAME PLUGIN... -- ENV... -- ZDTM ARGS...: runs zdtm.py on
# ZDTM_TESTS twice from the library build's test folder, with the stock
# criu and with the library's (--criu-bin), ENV (VAR=VALUE) added to zdtm's
# own environment. Each test must pass in both; the results, test by test,
# and the plugin lines of every kept log, line by line, must be the same;
# every kept dump and restore log must show each PLUGIN loaded with the
# release's hook count.
zdtm_both() {
	local name=$1 plugins=() envs=() targs=() kind src log rc t n keep
	shift
	while [ "$1" != -- ]; do
		plugins+=("$1")
		shift
	done
	shift
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	for t in $ZDTM_TESTS; do targs+=(-t "zdtm/static/$t"); done
	for kind in stock lib; do
		src=$STOCK_SRC
		[ "$kind" = lib ] && src=$LIB_SRC
		log=$WORK/zdtm-$name-$kind.log
		keep=$WORK/zdtm-$name-$kind
		rm -rf "$LIB_SRC/test/dump" "$keep"
		echo "  $kind: running (in $LIB_SRC/test): ${envs[*]} $PY ./zdtm.py run -t ... (${ZDTM_TESTS// /, }) $* --criu-bin $src/criu/criu --keep-going --keep-img always"
		(cd "$LIB_SRC/test" && env "${envs[@]}" timeout 600 "$PY" ./zdtm.py run "${targs[@]}" "$@" \
			--criu-bin "$src/criu/criu" --keep-going --keep-img always) >"$log" 2>&1
		rc=$?
		grep -Eo 'Test zdtm/[^ ]+ (PASS|FAIL|SKIP)[^=#]*' "$log" | sed -e 's/^Test //' -e 's/ *$//' >"$keep.results"
		if [ "$rc" = 0 ]; then ok "$kind: zdtm $name exited 0"; else
			bad "$kind: zdtm $name exited $rc (log $log)"
			tail -n 20 "$log" | sed 's/^/      | /'
		fi
		n=0
		for t in $ZDTM_TESTS; do
			if grep -qx "zdtm/static/$t PASS" "$keep.results"; then n=$((n + 1)); else
				bad "$kind: zdtm $name: zdtm/static/$t: $(grep "^zdtm/static/$t " "$keep.results" || echo "no result")"
			fi
		done
		[ "$n" = "$(wc -w <<<"$ZDTM_TESTS")" ] && ok "$kind: zdtm $name: all $n tests PASS"
		kept_logs_load "$kind: zdtm $name" $((2 * $(wc -w <<<"$ZDTM_TESTS"))) "${plugins[@]}"
		zdtm_kept_lines "$LIB_SRC/test/dump" >"$keep.lines"
		# the logs, for a look afterwards
		mkdir -p "$keep"
		(cd "$LIB_SRC/test/dump" 2>/dev/null && find . -name '*.log' -exec cp --parents -t "$keep" {} +)
		rm -rf "$LIB_SRC/test/dump"
	done
	zdtm_compare "$name"
}

# zdtm_compare NAME: the stock and library runs of zdtm_both NAME agree,
# result by result and plugin line by plugin line
zdtm_compare() {
	local s=$WORK/zdtm-$1-stock l=$WORK/zdtm-$1-lib n
	same_lines "zdtm $1: the same result for each of the $(wc -l <"$s.results") tests in both builds" \
		"$s.results" "$l.results" "$WORK/zdtm-$1-results.diff"
	n=$(grep -c 'Plugin "' "$s.lines" 2>/dev/null)
	if [ "${n:-0}" -ge $((2 * $(wc -w <<<"$ZDTM_TESTS"))) ] && grep -q ' hook [0-9]* -> ' "$s.lines"; then
		ok "zdtm $1, stock: $(wc -l <"$s.lines") plugin lines to compare ($n Plugin lines, $(grep -c ' hook [0-9]* -> ' "$s.lines") hook calls)"
	else
		bad "zdtm $1, stock: too few plugin lines to compare in $s.lines"
	fi
	same_lines "zdtm $1: the library build logs the same $(wc -l <"$l.lines") plugin lines in the same order, log by log" \
		"$s.lines" "$l.lines" "$WORK/zdtm-$1-lines.diff"
}

step11() {
	begin 11
	need stock && need lib || {
		end
		return
	}
	plugin_folder "$STOCK"/plugins/*.so || {
		end
		return
	}
	local dir=$PLUGIN_DIR
	# With --rpc zdtm starts criu swrk through pycriu, which passes zdtm's
	# own environment on: the plugin folder, the mocked cuda-checkpoint
	# and its fault (zdtm refuses --fault and --mocked-cuda-checkpoint's
	# --libdir with --rpc).
	# shellcheck disable=SC2086 # PLUGINS4 is a list
	zdtm_both rpc $PLUGINS4 -- "CRIU_LIBS_DIR=$dir" "PATH=$LIB_SRC/test/cuda-checkpoint:$PATH" CRIU_FAULT=138 -- \
		-f uns --rpc
	# the library says where it found the folder: the environment criu swrk
	# got from zdtm
	local f n=0 miss=0
	while read -r f; do
		n=$((n + 1))
		grep -q "Loading plugins from $dir (Environment)\$" "$f" || miss=$((miss + 1))
	done < <(find "$WORK/zdtm-rpc-lib" \( -name 'dump.log' -o -name 'restore.log' \) 2>/dev/null)
	[ "$n" -gt 0 ] && [ "$miss" = 0 ] && ok "lib: all $n kept dump/restore logs say the plugins come from CRIU_LIBS_DIR=$dir" ||
		bad "lib: $miss of $n kept dump/restore logs do not say the plugins come from CRIU_LIBS_DIR=$dir"
	end
}

step13() {
	begin 13
	need stock && need lib || {
		end
		return
	}
	zdtm_both page-server cuda_plugin -- -- -f uns --page-server --mocked-cuda-checkpoint --fault 138
	end
}

# feature_in_both FEATURE: `criu check --feature FEATURE` of the stock and
# the library build; 0 when both have it, 1 when neither has, 2 (and a
# failed check) when they disagree
feature_in_both() {
	local kind src rc got=
	for kind in stock lib; do
		src=$STOCK_SRC
		[ "$kind" = lib ] && src=$LIB_SRC
		timeout 60 "$src/criu/criu" check --feature "$1" >"$WORK/check-$1-$kind.log" 2>&1
		rc=$?
		echo "      $kind: criu check --feature $1: exit $rc: $(tail -n 1 "$WORK/check-$1-$kind.log")"
		got="$got $rc"
	done
	case $got in
	" 0 0") return 0 ;;
	" 0 "* | *" 0")
		bad "stock and library criu disagree on --feature $1 (exit statuses:$got)"
		return 2
		;;
	*) return 1 ;;
	esac
}

step16() {
	begin 16
	need stock && need lib || {
		end
		return
	}
	feature_in_both mem_dirty_track
	case $? in
	0) zdtm_both pre cuda_plugin -- -- -f uns --pre 2 --mocked-cuda-checkpoint --fault 138 ;;
	1)
		not_run "--pre: no soft-dirty tracking on this machine (criu check --feature mem_dirty_track fails in both builds)"
		return
		;;
	esac
	end
}

# uffd_for_restored_tasks: whether the tasks zdtm restores (uns flavour:
# in a user namespace, without CAP_SYS_PTRACE of the first one) may open a
# userfaultfd: the kernel lets them when vm.unprivileged_userfaultfd is 1
# (or the knob does not exist, before Linux 5.2)
uffd_for_restored_tasks() {
	local v
	v=$(cat /proc/sys/vm/unprivileged_userfaultfd 2>/dev/null) || return 0
	echo "      vm.unprivileged_userfaultfd = $v"
	[ "$v" = 1 ]
}
step17() {
	begin 17
	need stock && need lib || {
		end
		return
	}
	feature_in_both uffd-noncoop
	case $? in
	0)
		if ! uffd_for_restored_tasks; then
			not_run "--lazy-pages: no userfaultfd for restored tasks on this machine (criu check --feature uffd-noncoop passes in both builds, but vm.unprivileged_userfaultfd is 0: the unprivileged tasks zdtm restores get EPERM)"
			return
		fi
		zdtm_both lazy-pages cuda_plugin -- -- -f uns --lazy-pages --mocked-cuda-checkpoint --fault 138
		;;
	1)
		not_run "--lazy-pages: no userfaultfd on this machine (criu check --feature uffd-noncoop fails in both builds)"
		return
		;;
	esac
	end
}
