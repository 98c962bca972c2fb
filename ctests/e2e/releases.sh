# releases.sh: the CRIU releases the end-to-end test knows, sourced by the
# other scripts of ctests/e2e. `criu_release VERSION` sets, for that release:
#
#   R_SUITE        Debian suite whose source index has the release
#   R_DEB_VERSION  Debian source version handed to `apt-get source`
#   R_TARBALL      name of the release tarball (Debian's .orig.tar.xz)
#   R_SHA256       its sha256
#   R_DIRNAME      the folder the tarball unpacks to
#   R_HOOKS        CR_PLUGIN_HOOK__MAX of the release's criu-plugin.h
#   R_TARGET       the release as CRIU_PLUGIN_TARGET (MAJOR*10000+MINOR*100+SUBLEVEL)
#   R_OPTS_SIZE    sizeof(struct cr_options) on x86-64 (size of `opts` in criu)
#   R_LIBDIR_OFF   offsetof(struct cr_options, libdir) on x86-64
#
# and returns non-zero for a release it does not know.
# shellcheck disable=SC2034 # the R_* variables are read by the scripts that source this

CRIU_RELEASES_ALL="4.1.1 4.2.1"

criu_release() {
	case $1 in
	4.1.1)
		R_SUITE=trixie
		R_DEB_VERSION=4.1.1-1
		R_SHA256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe
		R_HOOKS=12
		R_OPTS_SIZE=504
		;;
	4.2.1)
		R_SUITE=sid
		R_DEB_VERSION=4.2.1-1
		R_SHA256=29ec0ee09e296479fe7048c80980e8ef1d0684d0b0204c2b101dfea19f6725b9
		R_HOOKS=13
		R_OPTS_SIZE=512
		;;
	*)
		return 1
		;;
	esac
	R_TARBALL=criu_$1.orig.tar.xz
	R_DIRNAME=criu-$1
	R_LIBDIR_OFF=160
	local IFS=.
	# shellcheck disable=SC2086
	set -- $1
	R_TARGET=$(($1 * 10000 + $2 * 100 + $3))
}
