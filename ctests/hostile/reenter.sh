# Section 2 of the hostile input (run.sh sources it): calls into the loader
# from inside it.

########################################################################
# 2. Re-entry: plugins (and CRIU's inventory check) calling into the loader
# from inside the loader. No deadlock; the inner call is refused with one
# error line; the outer call goes on as normal.
section_reenter() {
	reenter() { # reenter CASE NAME REENTER [WORD...]
		local case=$1 name=$2 mode=$3 d=$T/$1
		shift 3
		mkdir -p "$d"
		plugin "$d/p.so" "$name" -DREENTER="$mode"
		hrun "$B/out/$case.out" CRIU_LIBS_DIR="$d" -- maps="$d/" "$@"
		exited "$case" "$B/out/$case.out"
	}
	bad "a plugin whose init calls cr_plugin_init(0)"
	reenter reinit reinit 1
	out=$B/out/reinit.out
	expect "init calling cr_plugin_init: the inner call returns -1, the outer goes on" "$out" \
		'^reinit inner=-1$' '^init=0$' '^loaded reinit$' '^reinit exit 0 0$' '^fini done$' '^mapped_after_fini=0$'
	times "init calling cr_plugin_init: one error line, naming the plugin and the call" "$out" 1 \
		'^\[1\] Error \([^)]*\): Plugin "reinit" called cr_plugin_init\(\) from its init: refused$'
	times "init calling cr_plugin_init: no other error" "$out" 1 '^\[1\]'

	bad "a plugin whose init calls cr_plugin_fini(0, 0)"
	reenter refini refini 2
	out=$B/out/refini.out
	expect "init calling cr_plugin_fini: nothing is unloaded, init goes on" "$out" \
		'^refini inner fini returned$' '^init=0$' '^loaded refini$' '^fini done$' '^mapped_after_fini=0$'
	times "init calling cr_plugin_fini: one error line, naming the plugin and the call" "$out" 1 \
		'^\[1\] Error \([^)]*\): Plugin "refini" called cr_plugin_fini\(\) from its init: refused$'
	times "init calling cr_plugin_fini: exit runs once, from the outer fini" "$out" 1 '^refini exit '
	if [ "$(grep -En '^refini exit 0 0$' "$out" | cut -d: -f1)" -gt "$(grep -En '^pause=' "$out" | cut -d: -f1)" ] 2>/dev/null; then
		ok "init calling cr_plugin_fini: exit comes after the hooks ran, not inside init"
	else
		ko "init calling cr_plugin_fini: exit comes after the hooks ran, not inside init" "$out"
	fi

	bad "a plugin whose exit calls cr_plugin_init(0)"
	reenter exitinit exitinit 3
	out=$B/out/exitinit.out
	expect "exit calling cr_plugin_init: the inner call returns -1, fini completes" "$out" \
		'^init=0$' '^exitinit exit 0 0$' '^exitinit inner=-1$' '^fini done$' '^mapped_after_fini=0$'
	times "exit calling cr_plugin_init: one error line, naming the plugin and the call" "$out" 1 \
		'^\[1\] Error \([^)]*\): Plugin "exitinit" called cr_plugin_init\(\) from its exit: refused$'

	bad "a plugin whose RESTORE_INIT hook calls cr_plugin_init(2)"
	reenter rinit rinit 4 restore
	out=$B/out/rinit.out
	expect "RESTORE_INIT calling cr_plugin_init: the inner call returns -1, the outer init succeeds" "$out" \
		'^rinit restore_init$' '^rinit inner=-1$' '^init=0$' '^loaded rinit$' '^rinit exit 2 0$' '^mapped_after_fini=0$'
	times "RESTORE_INIT calling cr_plugin_init: one error line, naming the plugin and the call" "$out" 1 \
		'^\[1\] Error \([^)]*\): Plugin "rinit" called cr_plugin_init\(\) from its RESTORE_INIT hook: refused$'

	bad "CRIU's check_inventory_plugins() calling cr_plugin_init(2)"
	folder "$T/inv" "$B/so/good.so"
	out=$B/out/inv.out
	hrun "$out" CRIU_LIBS_DIR="$T/inv" -- restore inv-reenter maps="$T/inv/"
	exited "inventory check calling cr_plugin_init" "$out"
	expect "inventory check calling cr_plugin_init: the inner call returns -1, the outer init succeeds" "$out" \
		'^check_inventory_plugins$' '^host inner=-1$' '^init=0$' '^loaded good$' '^good exit 2 0$'
	times "inventory check calling cr_plugin_init: one error line" "$out" 1 \
		'^\[1\] Error \([^)]*\): .*cr_plugin_init\(\).*inventory check.*refused'

	bad "a plugin whose init runs a hook (cr_plugin_run_pause_devices)"
	reenter hookcall hookcall 5
	out=$B/out/hookcall.out
	expect "a hook call from init gets the chain's answer: -ENOTSUP when nothing answers" "$out" \
		'^hookcall pause=-95$' '^init=0$' '^loaded hookcall$'
	reject "a hook call from init is no error" "$out" '^\[1\]'
	plugin "$T/hookcall/a.so" answer -DPAUSE=7
	hrun "$out.2" CRIU_LIBS_DIR="$T/hookcall" --
	exited "hook call from init, after a plugin that answers" "$out.2"
	expect "a hook call from init gets the answer of a plugin loaded before" "$out.2" \
		'^answer pause 5$' '^hookcall pause=7$' '^init=0$' '^loaded answer$' '^loaded hookcall$'
}
