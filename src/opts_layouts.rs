// The layouts of CRIU's `struct cr_options` this library knows: the one
// table, read by the library (src/host.rs) and its build (build.rs, which
// checks CRIU_OPTS_LAYOUTS against it) through include!, and by
// mk/install.mk (the pkg-config file), which takes the numbers from the
// `verified(SIZE, OFFSET, "...")` lines: keep one entry per line, in that
// form, in the order of the releases.

/// One layout of CRIU's `struct cr_options` (x86-64): the size of the
/// struct, which `criu` shows as the size of `opts` in its dynamic symbol
/// table (it links `-rdynamic`), and the offset of `char *libdir` in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OptsLayout {
    /// `sizeof(struct cr_options)`.
    pub(crate) size: usize,
    /// `offsetof(struct cr_options, libdir)`.
    pub(crate) libdir: usize,
    /// The CRIU releases the layout was verified on; empty for a layout
    /// added at build time with `CRIU_OPTS_LAYOUTS`.
    pub(crate) releases: &'static str,
}

/// A layout verified on `releases`.
const fn verified(size: usize, libdir: usize, releases: &'static str) -> OptsLayout {
    OptsLayout {
        size,
        libdir,
        releases,
    }
}

/// The verified layouts, each size once (README, "Compatibility", says how
/// each was verified). A size that is not here is not CRIU's layout as far
/// as this library knows, and its `opts` is not touched.
pub(crate) const VERIFIED_OPTS_LAYOUTS: &[OptsLayout] = &[
    verified(472, 160, "3.17, 3.17.1"),
    verified(504, 160, "3.18, 3.19, 4.0, 4.1, 4.1.1"),
    verified(512, 160, "4.2, 4.2.1, criu-dev of 2025-11-16"),
];
