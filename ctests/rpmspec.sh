#!/bin/bash
# contrib/rpm/criu-plugin.spec parses (rpmspec -P, Debian's rpm package),
# names the four packages, carries the release version of Cargo.toml, and
# its %files cover exactly what make install puts under /usr with Fedora's
# folders.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
SPEC=$REPO/contrib/rpm/criu-plugin.spec
. "$REPO/ctests/checks.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v rpmspec >/dev/null || { echo "rpmspec: not installed (.ci/deps.sh installs rpm)" >&2; exit 1; }

if timeout 60 rpmspec -P "$SPEC" >"$work/parsed" 2>&1; then ok "rpmspec -P parses the spec"; else ko "rpmspec -P" "$work/parsed"; fi
timeout 60 rpmspec -q --qf '%{name} %{version}\n' "$SPEC" 2>/dev/null | sort >"$work/names"
version=$(cd "$REPO" && make -s print-version | cut -d' ' -f1)
printf '%s\n' "criu-plugin $version" "criu-plugin-devel $version" "criu-plugin-inspect $version" "criu-plugin-static $version" | sort >"$work/want"
if cmp -s "$work/names" "$work/want"; then ok "packages criu-plugin, -devel, -static, criu-plugin-inspect at version $version"; else diff "$work/want" "$work/names" >"$work/d"; ko "the spec's packages and version" "$work/d"; fi

# What %files names (folders expanded) against what make install puts there.
awk '/^%files/{on=1; next} /^%changelog/{on=0} on && /^\//{print $NF}' "$work/parsed" | sed 's/\*$//' >"$work/patterns"
if (cd "$REPO" && timeout 600 make -s install NO_BUILD=1 DESTDIR="$work/root" PREFIX=/usr LIBDIR=/usr/lib64 \
	BINDIR=/usr/bin INCLUDEDIR=/usr/include MANDIR=/usr/share/man) >"$work/install.log" 2>&1; then
	(cd "$work/root" && find . -type f -o -type l | sed 's/^\.//' | sort) >"$work/installed"
	: >"$work/uncovered"
	while read -r f; do
		covered=
		while read -r p; do
			case $f in "$p" | "$p"* ) covered=1 ;; esac
		done <"$work/patterns"
		[ -n "$covered" ] || echo "$f" >>"$work/uncovered"
	done <"$work/installed"
	if [ -s "$work/uncovered" ]; then ko "files make install puts there that no %files names" "$work/uncovered"; else ok "%files cover the $(wc -l <"$work/installed") files make install puts there"; fi
else
	ko "make install NO_BUILD=1 (Fedora's folders)" "$work/install.log"
fi
summary rpmspec
