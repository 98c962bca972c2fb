# Section 6 of the hostile input (run.sh sources it): the trusted path, and
# a race swapping a folder on it. The cases of other owners and the race
# need root (chown, a second user); the ones on modes alone do not.

########################################################################
# 6. The trusted path: every folder from / down to the plugin folder (and to
# a symlinked plugin's target) is owned by root or the effective user, and
# writable by others only if sticky (the plugin folder itself: not at all).
# A warning by default, a refusal in strict mode.
section_trust() {
	trusted() { # trusted CASE LIBDIR: runs the host on LIBDIR, in both modes
		hrun "$B/out/$1.out" CRIU_LIBS_DIR="$2" --
		exited "$1" "$B/out/$1.out"
		hrun "$B/out/$1-strict.out" CRIU_LIBS_DIR="$2" -- strict
		exited "$1 (strict mode)" "$B/out/$1-strict.out"
	}
	if needs_root "a parent of the plugin folder owned by another user (chown)"; then
		folder "$T/t1/plugins" "$B/so/good.so"
		chown "$NOBODY" "$T/t1"
		bad "a parent of the plugin folder owned by uid $NOBODY"
		trusted t1 "$T/t1/plugins"
		expect "parent owned by another user: warned about" "$B/out/t1.out" \
			"^\[2\] Warn  \([^)]*\): Plugin folder $(rx "$T/t1/plugins"): folder $(rx "$T/t1") on (its path|the path to).* owned by uid $NOBODY\b" \
			'^init=0$' '^loaded good$'
		expect "parent owned by another user: refused in strict mode" "$B/out/t1-strict.out" \
			"^\[1\] Error \([^)]*\): Refusing plugin folder $(rx "$T/t1/plugins"): .*$(rx "$T/t1") on (its path|the path to).*uid $NOBODY\b.*\(strict mode\)$" \
			'^init=-1$'
		reject "parent owned by another user: strict mode loads nothing" "$B/out/t1-strict.out" '^good init'
	fi

	folder "$T/t2/plugins" "$B/so/good.so"
	chmod 0777 "$T/t2"
	bad "a parent of the plugin folder with mode 0777 (no sticky bit)"
	trusted t2 "$T/t2/plugins"
	expect "world-writable parent: warned about" "$B/out/t2.out" \
		"^\[2\] Warn  \([^)]*\): Plugin folder $(rx "$T/t2/plugins"): folder $(rx "$T/t2") on (its path|the path to).*writable.*0777" '^init=0$'
	expect "world-writable parent: refused in strict mode" "$B/out/t2-strict.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin folder $(rx "$T/t2/plugins"): .*$(rx "$T/t2") on (its path|the path to).*writable.*\(strict mode\)$" \
		'^init=-1$'

	folder "$T/t3/plugins" "$B/so/good.so"
	chmod 1777 "$T/t3"
	trusted t3 "$T/t3/plugins"
	expect "a sticky world-writable parent (as /tmp) is fine" "$B/out/t3.out" '^init=0$' '^loaded good$'
	reject "a sticky world-writable parent: no warning" "$B/out/t3.out" '^\[[12]\]'
	expect "a sticky world-writable parent is fine in strict mode" "$B/out/t3-strict.out" '^init=0$' '^loaded good$'

	folder "$T/t4/plugins" "$B/so/good.so"
	chmod 1777 "$T/t4/plugins"
	bad "a plugin folder with mode 1777"
	trusted t4 "$T/t4/plugins"
	expect "a sticky world-writable plugin folder: warned about" "$B/out/t4.out" \
		"^\[2\] Warn  \([^)]*\): Plugin folder $(rx "$T/t4/plugins").*writable" '^init=0$'
	expect "a sticky world-writable plugin folder: refused in strict mode" "$B/out/t4-strict.out" \
		"^\[1\] Error \([^)]*\): Refusing plugin folder $(rx "$T/t4/plugins"): .*writable.*\(strict mode\)$" '^init=-1$'

	if needs_root "a symlinked plugin in a folder of another user (chown)"; then
		folder "$T/t5/plugins"
		folder "$T/t5/theirs" "$B/so/good.so"
		chown "$NOBODY" "$T/t5/theirs"
		ln -s "$T/t5/theirs/good.so" "$T/t5/plugins/x.so"
		bad "a symlinked plugin whose target's folder is owned by uid $NOBODY"
		trusted t5 "$T/t5/plugins"
		expect "symlinked plugin in a foreign folder: warned about" "$B/out/t5.out" \
			"^\[2\] Warn  \([^)]*\): Plugin file $(rx "$T/t5/plugins/x.so"): folder $(rx "$T/t5/theirs") on (its path|the path to).*uid $NOBODY\b" \
			'^init=0$'
		expect "symlinked plugin in a foreign folder: refused in strict mode" "$B/out/t5-strict.out" \
			"^\[1\] Error \([^)]*\): Refusing plugin $(rx "$T/t5/plugins/x.so"): .*$(rx "$T/t5/theirs") on (its path|the path to).*uid $NOBODY\b.*\(strict mode\)$" \
			'^init=-1$'
		reject "symlinked plugin in a foreign folder: not initialised in strict mode" "$B/out/t5-strict.out" '^good init'
	fi

	if needs_root "a grandparent of the plugin folder owned by another user (chown)"; then
		folder "$T/t6/mid/plugins" "$B/so/good.so"
		chown "$NOBODY" "$T/t6"
		bad "a grandparent of the plugin folder owned by uid $NOBODY"
		trusted t6 "$T/t6/mid/plugins"
		expect "grandparent owned by another user: refused in strict mode" "$B/out/t6-strict.out" \
			"^\[1\] Error \([^)]*\): Refusing plugin folder $(rx "$T/t6/mid/plugins"): .*$(rx "$T/t6") on (its path|the path to).*uid $NOBODY\b.*\(strict mode\)$" \
			'^init=-1$'
	fi

	if needs_root "a plugin folder reached through a symlink into a folder of another user (chown)"; then
		folder "$T/t7/theirs/plugins" "$B/so/good.so"
		chown "$NOBODY" "$T/t7/theirs"
		ln -s "$T/t7/theirs/plugins" "$T/t7/link"
		bad "a plugin folder given as a symlink into a folder owned by uid $NOBODY"
		trusted t7 "$T/t7/link"
		expect "plugin folder reached through a symlink into a foreign folder: refused in strict mode" "$B/out/t7-strict.out" \
			"^\[1\] Error \([^)]*\): Refusing plugin folder .*\(strict mode\)$" '^init=-1$'
		reject "plugin folder reached through a symlink into a foreign folder: not initialised in strict mode" \
			"$B/out/t7-strict.out" '^good init'
	fi
}

# The race: P (owned by the attacker) holds trusted/ (root's, a root plugin
# printing TRUSTED) and evil/ (the attacker's, a plugin printing FOREIGN).
# The attacker swaps them without pause while the host, in strict mode,
# loads P/trusted again and again. FOREIGN must never run.
section_race() {
	needs_root "the race: another user swaps a folder on the path while the loader runs (chown, a second user)" || return 0
	P=$T/race
	mkdir -p "$P/trusted" "$P/evil"
	plugin "$P/trusted/p.so" p -DMSG='"TRUSTED"'
	plugin "$P/evil/p.so" p -DMSG='"FOREIGN"'
	chown "$NOBODY:$NOBODY" "$P" "$P/evil"
	bad "a race: the attacker (uid $NOBODY) swaps the plugin folder with its own while the loader runs"
	"$B/attacker" "$NOBODY" "$NOBODY" "$P/trusted" "$P/evil" >"$B/out/attacker.out" 2>&1 &
	attacker_pid=$!
	# until_ok CMD...: waits (up to 10 s) until CMD succeeds, while the attacker runs.
	until_ok() {
		local i
		for i in $(seq 200); do
			"$@" && return 0
			kill -0 "$attacker_pid" 2>/dev/null || return 1
			sleep 0.05
		done
		return 1
	}
	# swaps_now: how many swaps the attacker has made so far.
	swaps_now() {
		local before
		before=$(grep -c '^progress' "$B/out/attacker.out")
		kill -USR1 "$attacker_pid" 2>/dev/null
		until_ok eval '[ "$(grep -c "^progress" "$B/out/attacker.out")" -gt "$before" ]' &&
			sed -n 's/^progress swaps=//p' "$B/out/attacker.out" | tail -1
	}
	until_ok grep -q '^swapping$' "$B/out/attacker.out" || ko "race: the attacker does not swap" "$B/out/attacker.out"
	TMO_SAVE=$TMO
	TMO=$((TMO * 6))
	out=$B/out/race-strict.out
	s0=$(swaps_now)
	hrun "$out" CRIU_LIBS_DIR="$P/trusted" -- strict cycles="$ROUNDS" watch="$P/trusted" min-moved=20
	exited "race (strict mode, at least $ROUNDS rounds)" "$out"
	s1=$(swaps_now)
	if [ -n "$s0" ] && [ -n "$s1" ] && [ "$s1" -gt "$s0" ]; then
		ok "race: the attacker swapped the folders $((s1 - s0)) times during the strict rounds"
	else
		ko "race: the attacker did not swap during the strict rounds (${s0:-?} then ${s1:-?})" "$B/out/attacker.out"
	fi
	reject "race: the foreign plugin never runs in strict mode" "$out" '^FOREIGN$'
	rounds=$(sed -n 's/^rounds=\([0-9]*\) moved=.*/\1/p' "$out")
	moved=$(sed -n 's/^rounds=[0-9]* moved=//p' "$out")
	if [ "${moved:-0}" -gt 0 ]; then
		ok "race: the folder was swapped during $moved of $rounds strict rounds"
	else
		ko "race: the folder was never swapped during a strict round (${rounds:-?} rounds)" "$B/out/attacker.out"
	fi
	times "race: every round of strict mode refuses the folder (its parent is the attacker's)" "$out" "${rounds:-$ROUNDS}" \
		'^round [0-9]+ init=-1 '
	expect "race: the refusal names the attacker's folder on the path" "$out" \
		"^\[1\] Error \([^)]*\): Refusing plugin folder $(rx "$P/trusted"): .*$(rx "$P") on (its path|the path to).*uid $NOBODY\b.*\(strict mode\)$"
	out=$B/out/race-default.out
	hrun "$out" CRIU_LIBS_DIR="$P/trusted" -- cycles="$ROUNDS" watch="$P/trusted"
	exited "race (default mode, $ROUNDS rounds)" "$out"
	expect "race: without strict mode the attacker's folder on the path is warned about" "$out" \
		"^\[2\] Warn  \([^)]*\): Plugin folder $(rx "$P/trusted"): folder $(rx "$P") on (its path|the path to).*uid $NOBODY\b"
	TMO=$TMO_SAVE
	kill "$attacker_pid" 2>/dev/null
	wait "$attacker_pid"
	arc=$?
	attacker_pid=
	swaps=$(sed -n 's/^swaps=//p' "$B/out/attacker.out")
	if [ "$arc" = 0 ] && [ "${swaps:-0}" -gt 0 ]; then
		ok "race: the attacker ran as uid $NOBODY, swapped $swaps times in all, and stopped"
	else
		ko "race: the attacker did not run (status $arc)" "$B/out/attacker.out"
	fi
	echo "race: strict mode ran FOREIGN $(grep -c '^FOREIGN$' "$B/out/race-strict.out") times," \
		"TRUSTED $(grep -c '^TRUSTED$' "$B/out/race-strict.out") times in ${rounds:-?} rounds" \
		"(${moved:-?} with a swap during init); default mode ran FOREIGN" \
		"$(grep -c '^FOREIGN$' "$B/out/race-default.out") times, TRUSTED" \
		"$(grep -c '^TRUSTED$' "$B/out/race-default.out") times in $ROUNDS rounds"
}
