# steps-build.sh, sourced by run-e2e.sh: steps 1-3, the stock build, the library build
# and `criu check`.
# shellcheck shell=bash

TITLE[1]="stock CRIU builds with its own loader"
TITLE[2]="CRIU with the patch builds against the staged library (and without it)"
TITLE[3]="criu check"

# nm_has DESCRIPTION FILE ERE [nm options]: a line of `nm` of FILE matches
nm_has() {
	local what=$1 f=$2 re=$3 out
	shift 3
	out=$(nm "$@" "$f" 2>&1)
	if grep -Eq -- "$re" <<<"$out"; then ok "$what"; else bad "$what: no nm line matching /$re/ in $f"; fi
}
# needs_lib FILE: FILE's dynamic section names libcriu-plugin
needs_lib() { grep -q 'NEEDED.*libcriu-plugin' <<<"$(readelf -d "$1" 2>/dev/null)"; }

# fetched_and_built KIND DIR: fetches CRIU $REL's source and builds it as
# KIND (stock or lib) into DIR; says why and fails when either step does.
fetched_and_built() {
	if ! timeout 600 "$HERE/fetch-criu.sh" "$REL"; then
		loud "CRIU $REL's source could not be fetched: the end-to-end test CANNOT RUN and FAILS"
		bad "no CRIU $REL source"
		return 1
	fi
	if ! timeout 1800 "$HERE/build-criu.sh" "$REL" "$1" "$2"; then
		bad "build-criu.sh $REL $1 failed or timed out after 30 min (log $2/build.log)"
		return 1
	fi
}

# ---- step 1: the stock build ------------------------------------------------------
step1() {
	begin 1
	BUILT[$REL/stock]=no
	if ! fetched_and_built stock "$STOCK"; then
		end
		return
	fi
	BUILT[$REL/stock]=yes
	ok "built in $STOCK"
	local criu=$STOCK_SRC/criu/criu got
	nm_has "nm: cr_plugin_init is defined (T) in criu (its own plugin.c)" "$criu" ' T cr_plugin_init$'
	got=$(nm -S "$criu" 2>/dev/null)
	got=$(awk '$4 == "cr_plugin_ctl" && $3 ~ /^[BbDd]$/ { print $2 }' <<<"$got")
	check_eq "criu's own cr_plugin_ctl: its size is 16 * (1 + CR_PLUGIN_HOOK__MAX $R_HOOKS)" "$((16#${got:-0}))" "$((16 * (1 + R_HOOKS)))"
	if needs_lib "$criu"; then bad "stock criu needs libcriu-plugin"; else ok "stock criu does not need libcriu-plugin"; fi
	if grep -q LIBCRIU_PLUGIN "$STOCK_SRC/Makefile.config" "$STOCK_SRC/criu/Makefile" "$STOCK_SRC/criu/Makefile.crtools"; then
		bad "the stock tree has the patch applied"
	else
		ok "the stock tree is CRIU $REL as released (the patch is not applied)"
	fi
	[ -f "$STOCK_SRC/criu/plugin.o" ] && ok "criu/plugin.o was built" || bad "criu/plugin.o was not built"
	check_eq "CR_PLUGIN_HOOK__MAX of CRIU $REL's criu-plugin.h" "$(cat "$STOCK/criu-max-hooks" 2>/dev/null)" "$R_HOOKS"
	got=$(nm -S "$criu" 2>/dev/null)
	got=$(awk '$4 == "opts" { print $2 }' <<<"$got")
	check_eq "size of criu's opts (struct cr_options)" "$((16#${got:-0}))" "$R_OPTS_SIZE"
	got=$(timeout 60 gdb -batch -ex 'print (unsigned long)&((struct cr_options *)0)->libdir' "$criu" 2>/dev/null | sed -n 's/^\$1 = //p')
	check_eq "offsetof(struct cr_options, libdir) in criu's debug information" "$got" "$R_LIBDIR_OFF"
	end
}

# ---- step 2: the library build ---------------------------------------------------
step2() {
	begin 2
	BUILT[$REL/lib]=no
	if [ ! -e "$REPO/build/lib/libcriu-plugin.so.1" ]; then
		loud "$REPO/build/lib/libcriu-plugin.so.1 does not exist: build the library first (make lib at the repo top)"
		bad "no library built"
		end
		return
	fi
	if ! fetched_and_built lib "$LIB"; then
		end
		return
	fi
	BUILT[$REL/lib]=yes
	ok "built in $LIB"
	local criu=$LIB_SRC/criu/criu pcdir pclibs pclibdir resolved f
	pcdir=$(sed -n 's/^PKG_CONFIG_PATH=//p' "$LIB/pkg-config.env")
	pclibs=$(PKG_CONFIG_PATH=$pcdir pkg-config --libs criu-plugin | sed 's/ *$//')
	pclibdir=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=libdir criu-plugin)
	ok "staged install: PKG_CONFIG_PATH=$pcdir; pkg-config --libs criu-plugin: $pclibs; libdir $pclibdir"

	# the patch, applied as it is
	sed 's/^/      /' "$LIB/patch.log"
	if [ "$(grep -c '^patching file' "$LIB/patch.log")" = 4 ] && ! grep -Eq 'Hunk|fuzz|FAILED|offset|reject' "$LIB/patch.log"; then
		ok "contrib/criu/criu-libcriu-plugin.patch applies to CRIU $REL with patch -p1, exactly (4 files, no offset, no fuzz)"
	else
		bad "the patch did not apply exactly (see $LIB/patch.log)"
	fi
	check_log "make: Makefile.config found criu-plugin with pkg-config" "$LIB/make-criu.log" \
		'^Note: Building with libcriu-plugin as the plugin loader\.$'
	if grep -qF -- " $pclibs " <<<"$(grep -E -- '-o criu/criu$' "$LIB/make-criu.log")"; then
		ok "criu's link line has \`pkg-config --libs criu-plugin\`"
	else
		bad "criu's link line in $LIB/make-criu.log does not have '$pclibs'"
	fi

	# the result
	# (nm names a versioned symbol name@NODE in criu, name@@NODE in the library)
	nm_has "nm: cr_plugin_init is undefined (U) in criu" "$criu" '^ +U cr_plugin_init(@LIBCRIU_PLUGIN_[0-9.]+)?$'
	nm_has "nm: cr_plugin_fini is undefined (U) in criu" "$criu" '^ +U cr_plugin_fini(@LIBCRIU_PLUGIN_[0-9.]+)?$'
	nm_has "nm: cr_plugin_ctl is B in criu (a copy of the library's)" "$criu" ' B cr_plugin_ctl(@LIBCRIU_PLUGIN_[0-9.]+)?$' -D
	nm_has "nm: cr_plugin_init is defined (T) in the staged library" "$pclibdir/libcriu-plugin.so" ' T cr_plugin_init(@@LIBCRIU_PLUGIN_[0-9.]+)?$' -D --defined-only
	nm_has "nm: cr_plugin_ctl is a data symbol of the staged library" "$pclibdir/libcriu-plugin.so" ' [BD] cr_plugin_ctl(@@LIBCRIU_PLUGIN_[0-9.]+)?$' -D --defined-only
	if grep -Eq 'R_X86_64_COPY .* cr_plugin_ctl' <<<"$(readelf -rW "$criu")"; then ok "criu holds a copy of cr_plugin_ctl (R_X86_64_COPY)"; else bad "no R_X86_64_COPY relocation for cr_plugin_ctl in criu"; fi
	[ ! -e "$LIB_SRC/criu/plugin.o" ] && ok "criu/plugin.o was not built" || bad "criu/plugin.o was built"
	resolved=$(ldd "$criu" | awk '/libcriu-plugin/ {print $3}')
	if [ -n "$resolved" ] && [ "$(readlink -f "$resolved")" = "$(readlink -f "$pclibdir/libcriu-plugin.so.1")" ]; then
		ok "ldd: criu finds libcriu-plugin.so.1 at $resolved (run path = pkg-config's libdir)"
	else
		bad "ldd: criu does not resolve libcriu-plugin.so.1 to $pclibdir ($(ldd "$criu" | grep libcriu-plugin))"
	fi
	# contrib/criu's patch puts -lc before the library: the dynamic linker
	# searches criu's DT_NEEDED in order, so lookups that end in libc do not
	# pass the loader's table.
	local needed
	needed=" $(readelf -dW "$criu" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | xargs) "
	if [[ $needed == *" libc.so.6 "*" libcriu-plugin.so.1 "* ]]; then
		ok "criu needs libc.so.6 before libcriu-plugin.so.1"
	else
		bad "criu's NEEDED list does not put libc.so.6 before libcriu-plugin.so.1:$needed"
	fi

	# the same patched tree, without the library (built in a copy: criu/criu
	# and criu/built-in.o removed, make criu run again)
	for f in NO_LIBCRIU_PLUGIN no-pkgconfig; do
		local fc=$LIB/fallback/criu-$f fl=$LIB/fallback/make-$f.log how
		if [ $f = NO_LIBCRIU_PLUGIN ]; then how="make NO_LIBCRIU_PLUGIN=1, pkg-config finding criu-plugin"; else how="pkg-config not finding criu-plugin"; fi
		check_log "patched tree, $how: Makefile.config chose criu/plugin.c" "$fl" \
			'^Note: Building with the built-in plugin loader \(criu/plugin\.c\)\.$'
		check_log "patched tree, $how: criu/plugin.c compiled" "$fl" '^gcc -c .* criu/plugin\.c( |$)'
		if grep -q -- '-lcriu-plugin' <<<"$(grep -E -- '-o criu/criu$' "$fl")"; then
			bad "patched tree, $how: criu linked with -lcriu-plugin"
		elif grep -Eq -- '-o criu/criu$' "$fl"; then
			ok "patched tree, $how: criu linked without -lcriu-plugin"
		else
			bad "patched tree, $how: no link line of criu/criu in $fl"
		fi
		nm_has "patched tree, $how: cr_plugin_init defined (T) in criu" "$fc" ' T cr_plugin_init$'
		if [ -x "$fc" ] && ! needs_lib "$fc"; then ok "patched tree, $how: criu does not need libcriu-plugin"; else bad "patched tree, $how: $fc missing or needs libcriu-plugin"; fi
	done
	if grep -q 'Looks good' <<<"$(timeout 60 "$LIB/fallback/criu-no-pkgconfig" check 2>&1)"; then
		ok "patched tree without pkg-config finding criu-plugin: its criu check says Looks good."
	else
		bad "$LIB/fallback/criu-no-pkgconfig check did not say Looks good."
	fi
	end
}

# ---- step 3: criu check ----------------------------------------------------------
step3() {
	begin 3
	local out rc kind src
	for kind in stock lib; do
		need "$kind" || continue
		src=$STOCK_SRC
		[ "$kind" = lib ] && src=$LIB_SRC
		out=$(timeout 60 "$src/criu/criu" check 2>&1)
		rc=$?
		echo "$out" | sed "s/^/      $kind: /"
		[ "$rc" = 0 ] && ok "$kind: criu check exited 0" || bad "$kind: criu check exited $rc"
		grep -q "Looks good" <<<"$out" && ok "$kind: criu check: Looks good." || bad "$kind: criu check did not say 'Looks good.'"
	done
	end
}
