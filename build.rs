//! Build settings, the versioned soname, the C headers in `include/` and
//! the version script `libcriu-plugin.map`.
//!
//! The headers are generated from the Rust definitions (cbindgen for the
//! structs and functions, the hook table for the hook values, types and
//! typed functions) and checked in, and so is the version script (every
//! export of the C ABI with its symbol version node). The build fails when
//! a checked-in file differs from what the sources say; `make headers`
//! (which sets `CRIU_PLUGIN_WRITE_HEADERS=1`) rewrites them.

use std::fmt::Write as _;
use std::path::Path;

include!("src/hook_table.rs");
include!("src/opts_layouts.rs");

/// The C ABI version, the major number of the release (Cargo.toml): the
/// soname is `libcriu-plugin.so.<SOVERSION>`.
const SOVERSION: &str = env!("CARGO_PKG_VERSION_MAJOR");

struct HookRow {
    num: u32,
    cname: &'static str,
    legacy: &'static str,
    typed: &'static str,
    cargs: &'static str,
    since: u32,
}

macro_rules! collect_rows {
    ($(($num:literal, $variant:ident, $cname:literal, $legacy:literal, $typed:ident,
        ($($arg:ident: $argty:ty),*), $cargs:literal, $since:literal)),* $(,)?) => {
        &[$(HookRow { num: $num, cname: $cname, legacy: $legacy, typed: stringify!($typed), cargs: $cargs, since: $since }),*]
    };
}

const HOOKS: &[HookRow] = for_each_hook!(collect_rows);

fn setting(name: &str, default: &str) -> String {
    println!("cargo:rerun-if-env-changed={name}");
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

fn main() {
    let default_dir = setting("CRIU_PLUGIN_DEFAULT_DIR", "/usr/lib/criu/");
    let old_offset = setting("CRIU_OPTS_LIBDIR_OFFSET", "");
    assert!(
        old_offset.is_empty(),
        "CRIU_OPTS_LIBDIR_OFFSET={old_offset}: this setting is gone. The library reads CRIU's \
         opts.libdir only when the size of `opts' is in its table of verified layouts; for a \
         CRIU it does not know, add the layout with CRIU_OPTS_LAYOUTS=SIZE:OFFSET (SIZE: the \
         size of `opts' that `nm -D -S criu' shows, in decimal; OFFSET: `gdb -batch -ex 'print \
         (size_t)&((struct cr_options *)0)->libdir' criu')"
    );
    let extra = extra_layouts(&setting("CRIU_OPTS_LAYOUTS", "")).unwrap_or_else(|why| {
        panic!("CRIU_OPTS_LAYOUTS: {why}");
    });
    assert!(
        !default_dir.contains('\0'),
        "CRIU_PLUGIN_DEFAULT_DIR holds a NUL"
    );
    println!("cargo:rustc-env=CRIU_PLUGIN_DEFAULT_DIR={default_dir}");
    write_extra_layouts(&extra);
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcriu-plugin.so.{SOVERSION}");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=include");
    println!("cargo:rerun-if-changed=libcriu-plugin.map");
    println!("cargo:rerun-if-env-changed=CRIU_PLUGIN_WRITE_HEADERS");

    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let plugin_h = plugin_header(&crate_dir);
    let host_h = host_header(&crate_dir);
    let write = std::env::var_os("CRIU_PLUGIN_WRITE_HEADERS").is_some_and(|v| v == "1");
    let map = version_script();
    for (name, text) in [
        ("include/criu-plugin.h", plugin_h),
        ("include/criu-plugin-host.h", host_h),
        ("libcriu-plugin.map", map),
    ] {
        let path = Path::new(&crate_dir).join(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if write {
            std::fs::write(&path, text).expect("write a generated file");
        } else {
            panic!(
                "{name} is stale: the Rust definitions changed. Run `make headers` and commit the result."
            );
        }
    }
}

/// The layouts `CRIU_OPTS_LAYOUTS` adds to the verified ones: a
/// comma-separated list of SIZE:OFFSET, decimal, the offset a multiple of 8
/// with a pointer's 8 bytes inside SIZE. A size the table already has must
/// come with the same offset (then the entry adds nothing); the error says
/// what is wrong.
fn extra_layouts(value: &str) -> Result<Vec<OptsLayout>, String> {
    let mut out: Vec<OptsLayout> = Vec::new();
    if value.is_empty() {
        return Ok(out);
    }
    let decimal = |what: &str, s: &str, entry: &str| -> Result<usize, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "`{entry}': the {what} must be a decimal number (SIZE:OFFSET, e.g. 600:168)"
            ));
        }
        s.parse()
            .map_err(|_| format!("`{entry}': the {what} {s} is too large"))
    };
    for entry in value.split(',') {
        if entry.is_empty() {
            return Err(format!(
                "`{value}' has an empty entry (SIZE:OFFSET,SIZE:OFFSET, with no comma at either end or doubled)"
            ));
        }
        let Some((size, offset)) = entry.split_once(':') else {
            return Err(format!(
                "`{entry}' is not SIZE:OFFSET (a comma-separated list, e.g. 600:168,616:168)"
            ));
        };
        let size = decimal("size", size, entry)?;
        let libdir = decimal("offset", offset, entry)?;
        if libdir % 8 != 0 {
            return Err(format!(
                "`{entry}': the offset of libdir must be a multiple of 8 (a pointer in struct cr_options)"
            ));
        }
        if libdir.checked_add(8).is_none_or(|end| end > size) {
            return Err(format!(
                "`{entry}': libdir (8 bytes at offset {libdir}) does not fit in {size} bytes"
            ));
        }
        let known = VERIFIED_OPTS_LAYOUTS.iter().chain(out.iter());
        if let Some(other) = known.clone().find(|l| l.size == size && l.libdir != libdir) {
            let from = if other.releases.is_empty() {
                "earlier in CRIU_OPTS_LAYOUTS".to_owned()
            } else {
                format!("verified on CRIU {}", other.releases)
            };
            return Err(format!(
                "`{entry}': size {size} is already in the table with libdir at {} ({from}); \
                 the library tells layouts apart by their size only, so one size has one offset",
                other.libdir
            ));
        }
        if known.clone().any(|l| l.size == size) {
            continue;
        }
        out.push(OptsLayout {
            size,
            libdir,
            releases: "",
        });
    }
    Ok(out)
}

/// Writes the layouts added at build time as Rust, for src/host.rs.
fn write_extra_layouts(extra: &[OptsLayout]) {
    let mut text = String::from(
        "/// The layouts added at build time with `CRIU_OPTS_LAYOUTS` (written by build.rs).\n\
         pub(crate) const BUILD_OPTS_LAYOUTS: &[OptsLayout] = &[\n",
    );
    for l in extra {
        writeln!(
            text,
            "    OptsLayout {{ size: {}, libdir: {}, releases: \"\" }},",
            l.size, l.libdir
        )
        .unwrap();
    }
    text.push_str("];\n");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("opts_layouts_build.rs"), text)
        .expect("write opts_layouts_build.rs");
}

/// Exports that came after the first release of this soname, with the
/// symbol version node they came in: `("1.1", &["cr_plugin_foo"])` puts
/// `cr_plugin_foo` in node `LIBCRIU_PLUGIN_1.1`, which inherits the node
/// listed before it. Every other export is in the base node
/// `LIBCRIU_PLUGIN_<SOVERSION>`. An export never moves to another node;
/// when the soname changes, this table is emptied (every export then
/// starts in the new base node). README.md, "ABI versioning".
const LATER_NODES: &[(&str, &[&str])] = &[];

/// The name of a symbol version node: `LIBCRIU_PLUGIN_<version>`.
fn node_name(version: &str) -> String {
    format!("LIBCRIU_PLUGIN_{version}")
}

/// The version script of the shared library (`make lib` links it with
/// `-Wl,--version-script`): the C ABI, every export in its node, nothing
/// else exported.
fn version_script() -> String {
    let mut exports: Vec<&str> = HOST_FUNCTIONS.to_vec();
    exports.extend(HOOKS.iter().map(|h| h.typed));
    exports.push("criu_get_image_dir");
    let mut later: Vec<&str> = Vec::new();
    let mut previous_minor = 0;
    for (version, names) in LATER_NODES {
        let (major, minor) = version
            .split_once('.')
            .expect("LATER_NODES: a node is named <major>.<minor>");
        assert!(
            major == SOVERSION,
            "LATER_NODES: node {version} is not of soname {SOVERSION}; a new soname starts with an empty table"
        );
        let minor: u32 = minor
            .parse()
            .expect("LATER_NODES: the minor number is a decimal number");
        assert!(
            minor > previous_minor,
            "LATER_NODES: nodes are listed oldest first, from <major>.1"
        );
        for name in *names {
            assert!(
                exports.contains(name),
                "LATER_NODES: {name} is not an export of the C ABI"
            );
            assert!(!later.contains(name), "LATER_NODES: {name} is listed twice");
            later.push(name);
        }
        previous_minor = minor;
    }

    let mut out = format!(
        "/*\n * libcriu-plugin.map: the version script of libcriu-plugin.so.{SOVERSION}.\n *\n * Every export of the C ABI (include/criu-plugin-host.h and\n * criu_get_image_dir()) with its symbol version node; nothing else is\n * exported. Generated by build.rs; do not edit (README.md, \"ABI versioning\").\n */\n\n"
    );
    writeln!(out, "{} {{\n\tglobal:", node_name(SOVERSION)).unwrap();
    for name in exports.iter().filter(|n| !later.contains(n)) {
        writeln!(out, "\t\t{name};").unwrap();
    }
    out.push_str("\tlocal:\n\t\t*;\n};\n");
    let mut parent = node_name(SOVERSION);
    for (version, names) in LATER_NODES {
        writeln!(out, "\n{} {{\n\tglobal:", node_name(version)).unwrap();
        for name in *names {
            writeln!(out, "\t\t{name};").unwrap();
        }
        writeln!(out, "}} {parent};").unwrap();
        parent = node_name(version);
    }
    out
}

fn cbindgen_config(
    header: &str,
    trailer: &str,
    include_items: &[&str],
    exclude: &[&str],
) -> cbindgen::Config {
    let mut config = cbindgen::Config {
        language: cbindgen::Language::C,
        style: cbindgen::Style::Both,
        no_includes: true,
        include_guard: None,
        documentation: true,
        documentation_style: cbindgen::DocumentationStyle::C,
        documentation_length: cbindgen::DocumentationLength::Full,
        cpp_compat: true,
        header: Some(header.to_owned()),
        trailer: Some(trailer.to_owned()),
        autogen_warning: Some(
            "/* Generated by build.rs from the Rust sources (cbindgen and src/hook_table.rs); do not edit. */".into(),
        ),
        ..Default::default()
    };
    config.export.item_types = vec![
        cbindgen::ItemType::Structs,
        cbindgen::ItemType::Functions,
        cbindgen::ItemType::Globals,
    ];
    config.export.include = include_items.iter().map(|s| s.to_string()).collect();
    config.export.exclude = exclude.iter().map(|s| s.to_string()).collect();
    for (from, to) in [
        ("CrPluginDesc", "cr_plugin_desc_t"),
        ("ListHead", "list_head"),
        ("PluginDesc", "plugin_desc_t"),
        ("CrPluginCtl", "cr_plugin_ctl_t"),
    ] {
        config.export.rename.insert(from.into(), to.into());
    }
    config.function.sort_by = Some(cbindgen::SortKey::None);
    config.usize_is_size_t = true;
    config
}

fn run_cbindgen(crate_dir: &str, config: cbindgen::Config) -> String {
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not read the sources")
        .write(&mut out);
    String::from_utf8(out).expect("cbindgen writes UTF-8")
}

const HOST_FUNCTIONS: &[&str] = &[
    "cr_plugin_init",
    "cr_plugin_fini",
    "cr_plugin_set_libdir",
    "cr_plugin_set_image_dir_fd",
    "cr_plugin_set_strict",
    "cr_plugin_set_skip",
    "cr_plugin_register_builtin",
    "cr_plugin_default_dir",
    "cr_plugin_opts_libdir_offset",
    "cr_plugin_opts_layouts",
    "cr_plugin_ctl",
];

/// Writes `row` for every hook, each run of hooks that came with the same
/// CRIU release inside `#if CRIU_PLUGIN_TARGET >= <release>`, so a plugin
/// built for an older release sees only that release's hooks.
fn for_each_release_group(out: &mut String, mut row: impl FnMut(&mut String, &HookRow)) {
    let mut open: Option<u32> = None;
    for h in HOOKS {
        if open != Some(h.since) {
            if open.is_some_and(|r| r != 0) {
                out.push_str("#endif\n");
            }
            if h.since != 0 {
                writeln!(out, "#if CRIU_PLUGIN_TARGET >= {}", h.since).unwrap();
            }
            open = Some(h.since);
        }
        row(out, h);
    }
    if open.is_some_and(|r| r != 0) {
        out.push_str("#endif\n");
    }
}

/// Hooks whose C arguments changed in some release: (hook number, the
/// last release with the old arguments, the old arguments).
const OLD_SIGNATURES: &[(u32, u32, &str)] = &[(3, 40299, "int id")];

/// Writes a hook's declaration with the arguments of the target release.
fn write_signature(out: &mut String, h: &HookRow, mut decl: impl FnMut(&mut String, &str)) {
    match OLD_SIGNATURES.iter().find(|(num, _, _)| *num == h.num) {
        Some((_, until, old)) => {
            writeln!(out, "#if CRIU_PLUGIN_TARGET <= {until}").unwrap();
            decl(out, old);
            out.push_str("#else\n");
            decl(out, h.cargs);
            out.push_str("#endif\n");
        }
        None => decl(out, h.cargs),
    }
}

fn plugin_header(crate_dir: &str) -> String {
    let mut head = String::from(PLUGIN_PRELUDE);
    head.push_str(TARGET_PRELUDE);
    writeln!(
        head,
        "/* Hook numbers, fixed forever; new hooks are only appended. */"
    )
    .unwrap();
    writeln!(head, "enum {{").unwrap();
    for_each_release_group(&mut head, |out, h| {
        writeln!(out, "\tCR_PLUGIN_HOOK__{} = {},", h.cname, h.num).unwrap();
    });
    writeln!(head, "\n\tCR_PLUGIN_HOOK__MAX\n}};\n").unwrap();
    writeln!(
        head,
        "/* CR_PLUGIN_HOOK__<NAME>_t: the C type of each hook function. */"
    )
    .unwrap();
    writeln!(
        head,
        "#define DECLARE_PLUGIN_HOOK_ARGS(__hook, ...) typedef int(__hook##_t)(__VA_ARGS__)\n"
    )
    .unwrap();
    for_each_release_group(&mut head, |out, h| {
        write_signature(out, h, |out, cargs| {
            writeln!(
                out,
                "DECLARE_PLUGIN_HOOK_ARGS(CR_PLUGIN_HOOK__{}, {cargs});",
                h.cname
            )
            .unwrap();
        });
    });
    head.push_str(PLUGIN_STAGES);

    let mut tail = String::from(PLUGIN_MACROS);
    writeln!(tail, "/*\n * Legacy plugins (no CR_PLUGIN_DESC) export these functions instead;\n * deprecated.\n */").unwrap();
    writeln!(
        tail,
        "typedef int(cr_plugin_init_t)(void);\ntypedef void(cr_plugin_fini_t)(void);"
    )
    .unwrap();
    for_each_release_group(&mut tail, |out, h| {
        write_signature(out, h, |out, cargs| {
            writeln!(out, "typedef int({}_t)({cargs});", h.legacy).unwrap();
        });
    });
    tail.push_str("\n#endif /* __CRIU_PLUGIN_H__ */");

    let mut exclude: Vec<&str> = HOST_FUNCTIONS.to_vec();
    exclude.extend(["ListHead", "PluginDesc", "CrPluginCtl"]);
    run_cbindgen(
        crate_dir,
        cbindgen_config(&head, &tail, &["CrPluginDesc"], &exclude),
    )
}

fn host_header(crate_dir: &str) -> String {
    let mut tail = String::from(
        "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n/*\n * Typed hook calls: each runs one hook like run_plugins() and returns the\n * first answer other than -ENOTSUP, or -ENOTSUP when no plugin handles it.\n */\n",
    );
    for h in HOOKS {
        writeln!(tail, "int {}({});", h.typed, h.cargs).unwrap();
    }
    tail.push_str("\n#ifdef __cplusplus\n}\n#endif\n");
    tail.push_str(HOST_MACROS);
    let prelude = HOST_PRELUDE.replace("@SOVERSION@", SOVERSION);
    run_cbindgen(
        crate_dir,
        cbindgen_config(
            &prelude,
            &tail,
            &["PluginDesc"],
            &["criu_get_image_dir", "CrPluginDesc"],
        ),
    )
}

const PLUGIN_PRELUDE: &str = r#"/*
 * criu-plugin.h: the CRIU plugin interface, for plugin authors.
 *
 * A drop-in for CRIU's own criu-plugin.h: the same names, values, types and
 * macros, with every hook this loader knows. A plugin exports a descriptor
 * named CR_PLUGIN_DESC (CR_PLUGIN_REGISTER) and fills in its hooks
 * (CR_PLUGIN_REGISTER_HOOK). Hooks return -ENOTSUP to let the next plugin
 * handle the call.
 *
 * SPDX-License-Identifier: MIT
 */

#ifndef __CRIU_PLUGIN_H__
#define __CRIU_PLUGIN_H__

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

/* Interface versions: (a << 16) + (b << 8) + c. */
#define CRIU_PLUGIN_GEN_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + (c))
#define CRIU_PLUGIN_VERSION_MAJOR 0
#define CRIU_PLUGIN_VERSION_MINOR 2
#define CRIU_PLUGIN_VERSION_SUBLEVEL 0

/* The version the loader gives legacy plugins (no descriptor). */
#define CRIU_PLUGIN_VERSION_OLD CRIU_PLUGIN_GEN_VERSION(0, 1, 0)

/* The newest version the loader accepts; plugins register with it. */
#define CRIU_PLUGIN_VERSION \
	CRIU_PLUGIN_GEN_VERSION(CRIU_PLUGIN_VERSION_MAJOR, CRIU_PLUGIN_VERSION_MINOR, CRIU_PLUGIN_VERSION_SUBLEVEL)

"#;

const TARGET_PRELUDE: &str = r#"/*
 * CRIU_PLUGIN_TARGET: the CRIU release a plugin is built for, as
 * MAJOR * 10000 + MINOR * 100 + SUBLEVEL (40101 for CRIU 4.1.1), defined
 * before this header is included (or with -DCRIU_PLUGIN_TARGET=40101). It
 * selects that release's hooks and hook types: its CR_PLUGIN_HOOK__MAX,
 * which the release's own loader checks max_hooks against (10 in 3.17,
 * 12 in 4.0 and 4.1, 13 in 4.2), and RESTORE_EXT_FILE's arguments (int id)
 * up to 4.2. Unset, every hook this header knows (CRIU after 4.2).
 */
#ifndef CRIU_PLUGIN_TARGET
#define CRIU_PLUGIN_TARGET CRIU_PLUGIN_TARGET_NEWEST
#endif
/* The target that selects every hook this header knows. */
#define CRIU_PLUGIN_TARGET_NEWEST 999999

"#;

const PLUGIN_STAGES: &str = r#"
/* The stage given to cr_plugin_init(), init() and exit(). */
enum {
	CR_PLUGIN_STAGE__DUMP,
	CR_PLUGIN_STAGE__PRE_DUMP,
	CR_PLUGIN_STAGE__RESTORE,

	CR_PLUGIN_STAGE_MAX
};
"#;

const PLUGIN_MACROS: &str = r#"
/* The descriptor every (non-legacy) plugin defines. */
extern cr_plugin_desc_t CR_PLUGIN_DESC;

/* Defines CR_PLUGIN_DESC with a name, an init and an exit function. */
#define CR_PLUGIN_REGISTER(___name, ___init, ___exit) \
	cr_plugin_desc_t CR_PLUGIN_DESC = {           \
		.name = ___name,                      \
		.init = ___init,                      \
		.exit = ___exit,                      \
		.version = CRIU_PLUGIN_VERSION,       \
		.max_hooks = CR_PLUGIN_HOOK__MAX,     \
	};

static inline int cr_plugin_dummy_init(int stage)
{
	(void)stage;
	return 0;
}

static inline void cr_plugin_dummy_exit(int stage, int ret)
{
	(void)stage;
	(void)ret;
}

/* Defines CR_PLUGIN_DESC for a plugin that needs no init or exit. */
#define CR_PLUGIN_REGISTER_DUMMY(___name)         \
	cr_plugin_desc_t CR_PLUGIN_DESC = {       \
		.name = ___name,                  \
		.init = cr_plugin_dummy_init,     \
		.exit = cr_plugin_dummy_exit,     \
		.version = CRIU_PLUGIN_VERSION,   \
		.max_hooks = CR_PLUGIN_HOOK__MAX, \
	};

/* Sets hook __hook of CR_PLUGIN_DESC to __func when the plugin is loaded. */
#define CR_PLUGIN_REGISTER_HOOK(__hook, __func)                                         \
	static void __attribute__((constructor)) cr_plugin_register_hook_##__func(void) \
	{                                                                               \
		CR_PLUGIN_DESC.hooks[__hook] = (void *)__func;                          \
	}

"#;

const HOST_PRELUDE: &str = r#"/*
 * criu-plugin-host.h: the host side of the CRIU plugin loader.
 *
 * For programs that load plugins (CRIU itself, test harnesses, tools): the
 * loader's entry points, the exported lists CRIU's run_plugins() walks, a
 * typed function per hook, and the calls for hosts that are not CRIU.
 *
 * SPDX-License-Identifier: MIT
 */

#ifndef __CRIU_PLUGIN_HOST_H__
#define __CRIU_PLUGIN_HOST_H__

#include <errno.h>
#include <stddef.h>
#include "criu-plugin.h"

#define CR_PLUGIN_HOST_ABI_VERSION @SOVERSION@

/* The host side describes the library's own lists: every hook it knows. */
#if CRIU_PLUGIN_TARGET != CRIU_PLUGIN_TARGET_NEWEST
#error "criu-plugin-host.h needs every hook: do not set CRIU_PLUGIN_TARGET in a host"
#endif
"#;

const HOST_MACROS: &str = r#"
/*
 * run_plugins(HOOK, args...): calls hook CR_PLUGIN_HOOK__HOOK of each plugin
 * that has it, in load order, until one answers something other than
 * -ENOTSUP; evaluates to that answer, or -ENOTSUP. The same walk as CRIU's
 * own macro (a GNU C statement expression).
 */
#ifndef run_plugins
#define run_plugins(__hook, ...)                                                                  \
	({                                                                                        \
		struct list_head *__pos;                                                          \
		int __ret = -ENOTSUP;                                                             \
		for (__pos = cr_plugin_ctl.hook_chain[CR_PLUGIN_HOOK__##__hook].next;              \
		     __pos != &cr_plugin_ctl.hook_chain[CR_PLUGIN_HOOK__##__hook];                \
		     __pos = __pos->next) {                                                       \
			plugin_desc_t *__this = (plugin_desc_t *)((char *)__pos -                  \
				offsetof(plugin_desc_t, link) -                                    \
				CR_PLUGIN_HOOK__##__hook * sizeof(struct list_head));              \
			__ret = ((CR_PLUGIN_HOOK__##__hook##_t *)                                 \
				 __this->d->hooks[CR_PLUGIN_HOOK__##__hook])(__VA_ARGS__);        \
			if (__ret != -ENOTSUP)                                                    \
				break;                                                            \
		}                                                                                 \
		__ret;                                                                            \
	})
#endif

#endif /* __CRIU_PLUGIN_HOST_H__ */"#;
