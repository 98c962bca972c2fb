# Section 3 of the hostile input (run.sh sources it): allocation failures.

########################################################################
# 3. Allocation failures: every allocation from the n-th of cr_plugin_init
# on fails (failmalloc.so). Each run must end normally; init returns 0 or
# -1, and -1 comes with an error line and leaves nothing mapped; after fini
# nothing is mapped and the heap is as it was before init.
section_failmalloc() {
	fm_sweep "two plugins" "$SWEEP" fm "$B/so/fa.so" "$B/so/fb.so"
	# The fallback path: fb-api.so, plugin "fb" too, sorts first and fails
	# its init, so every init also looks for its alternative and starts it.
	fm_sweep "two plugins, one after a failed alternative" 0 fm-alt \
		"$B/so/fa.so" "$B/so/fb-api.so" "$B/so/fb.so"
	# The skip list by plugin name: each file's name is read from it.
	FMENV=CRIU_PLUGIN_SKIP=fb fm_sweep "two plugins, one skipped by its plugin name" 0 fm-skip \
		"$B/so/fa.so" "$B/so/fb.so" "$B/so/good.so"
}

# fm_sweep WHAT SWEEP NAME PLUGIN...: the runs for the folder of PLUGINs
# (in $T/NAME, outputs in $B/out/NAME): allocations 0..SWEEP fail in turn
# (SWEEP 0: as many as the counting run makes, and 5 more).
fm_sweep() {
	local what=$1 sweep=$2 name=$3 n out why total fm_fail fm_ok_init0 fm_ok_init1 fm_first leaky
	shift 3
	FM=$T/$name
	FMOUT=$B/out/$name
	folder "$FM" "$@"
	fmrun() { # fmrun OUT N
		timeout -k 5 "$TMO" env CRIU_LIBS_DIR="$FM" LD_PRELOAD="$B/failmalloc.so" ${FMENV:-} \
			"$B/host" failmalloc="$2" maps="$FM/" >"$1" 2>&1
		echo $? >"$1.rc"
	}
	mkdir -p "$FMOUT"
	fmrun "$FMOUT/count.out" -1
	total=$(sed -n 's/^init=0 allocs=\([0-9]*\) failed=0$/\1/p' "$FMOUT/count.out")
	if [ "$(cat "$FMOUT/count.out.rc")" = 0 ] && [ -n "$total" ] && [ "$total" -gt 0 ]; then
		ok "failmalloc: the shim counts init's allocations ($total for $what) and nothing fails unarmed"
		expect "failmalloc ($what): an init where nothing fails leaks nothing" "$FMOUT/count.out" \
			'^leaked=0$' '^mapped_after_fini=0$'
	else
		ko "failmalloc ($what): counting run" "$FMOUT/count.out"
		total=0
	fi
	[ "$sweep" = 0 ] && sweep=$((total + 5))
	# fm_judge N OUT: prints why run N failed, nothing when it passed.
	fm_judge() {
		local n=$1 out=$2 rc res initrc failed why=()
		rc=$(cat "$out.rc")
		if [ "$rc" != 0 ]; then
			why+=("$(status_text "$rc")")
			res=$(grep -m1 -o 'memory allocation of [0-9]* bytes failed' "$out")
			[ -n "$res" ] && why+=("\"$res\"")
			res=$(grep -m1 -E "panicked at|fatal runtime error" "$out")
			[ -n "$res" ] && why+=("\"$res\"")
			grep -q '^warmup init=0$' "$out" || why+=("(in the warm-up)")
		fi
		res=$(grep -m1 '^init=' "$out")
		if [ -z "$res" ]; then
			[ "$rc" = 0 ] && why+=("no result line")
		else
			initrc=${res#init=}
			initrc=${initrc%% *}
			failed=${res##*failed=}
			case $initrc in
			0) ;;
			-1)
				sed -n '/^warmup mapped=/,/^init=/p' "$out" | grep -q '^\[1\] ' || why+=("init -1 without an error line")
				grep -q '^mapped_after_init=0$' "$out" || why+=("init -1 left a plugin mapped ($(grep -m1 '^mapped_after_init=' "$out"))")
				;;
			*) why+=("init returned $initrc") ;;
			esac
			[ "$n" -lt "$total" ] && [ "$failed" = 0 ] && why+=("no allocation failed (the shim did not bite)")
			grep -q '^mapped_after_fini=0$' "$out" || why+=("mapped after fini ($(grep -m1 '^mapped_after_fini=' "$out"))")
			res=$(sed -n 's/^leaked=//p' "$out")
			[ "$res" = 0 ] || why+=("heap after fini differs from before init by ${res:-?} bytes")
		fi
		[ ${#why[@]} -gt 0 ] && echo "${why[*]}"
	}
	fm_fail=0 fm_ok_init0=0 fm_ok_init1=0 fm_first=
	: >"$FMOUT/kinds"
	for n in $(seq 0 "$sweep"); do
		out=$FMOUT/$n.out
		fmrun "$out" "$n"
		why=$(fm_judge "$n" "$out")
		if [ -z "$why" ]; then
			ok "failmalloc ($what) n=$n: $(grep -m1 '^init=' "$out")"
			if grep -q '^init=0 ' "$out"; then fm_ok_init0=$((fm_ok_init0 + 1)); else fm_ok_init1=$((fm_ok_init1 + 1)); fi
		else
			ko "failmalloc ($what) n=$n: $why"
			fm_fail=$((fm_fail + 1))
			[ -z "$fm_first" ] && fm_first=$n
			# The kind of failure, numbers taken out, for the summary.
			echo "$why" | sed -E 's/[0-9]+ bytes/N bytes/g; s/by -?[0-9]+/by N/' >>"$FMOUT/kinds"
		fi
	done
	bad "allocation failures at each of allocations 0..$sweep of an init of $what ($((sweep + 1)) runs)"
	echo "failmalloc ($what): $((sweep + 1)) runs (init makes $total allocations): $fm_fail failed," \
		"$fm_ok_init0 passed with init 0, $fm_ok_init1 passed with init -1"
	if [ "$fm_fail" -gt 0 ]; then
		echo "failmalloc: the failures, by kind:"
		sort "$FMOUT/kinds" | uniq -c | sort -rn | sed 's/^/    /'
		echo "failmalloc: the first failing run (n=$fm_first):"
		sed 's/^/    | /' "$FMOUT/$fm_first.out" | head -40
		leaky=$(grep -l '^leaked=[1-9-]' "$FMOUT"/[0-9]*.out 2>/dev/null | head -1)
		if [ -n "$leaky" ]; then
			n=$(basename "$leaky" .out)
			FMENV="${FMENV:-} FAILMALLOC_TRACE=1" fmrun "$FMOUT/trace.out" "$n"
			echo "failmalloc: where the blocks still live after fini of run n=$n were allocated:"
			sed 's/^/    | /' "$FMOUT/trace.out" | head -80
		fi
	fi
}
