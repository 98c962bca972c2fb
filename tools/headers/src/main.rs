//! Writes the generated sources of the release: the C headers in
//! `include/` and the version script `libcriu-plugin.map`, from the Rust
//! definitions (cbindgen for the structs and functions, the hook table for
//! the hook values, types and typed functions, and every export with its
//! symbol version node).
//!
//! The files are checked in: the library's build reads them and never runs
//! this. `make headers` rewrites them; `make check-headers` (in `make
//! check`) runs `--check`, which fails when a checked-in file differs from
//! what the sources say. cbindgen is pinned in this tool's own manifest, so
//! the output does not depend on whichever cbindgen a machine has.
//!
//! Usage: `criu-plugin-headers [--check] [SOURCE_TREE]` (default: the tree
//! this tool sits in).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

include!("../../../src/hook_table.rs");

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

/// The C ABI version, the major number of the release: the first number of
/// the `version = "..."` line of the tree's Cargo.toml (the one place the
/// release version is written).
fn soversion(tree: &Path) -> String {
    let manifest = std::fs::read_to_string(tree.join("Cargo.toml"))
        .unwrap_or_else(|e| fail(&format!("{}/Cargo.toml: {e}", tree.display())));
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.split('.').next())
        .filter(|major| !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| fail("Cargo.toml has no version = \"MAJOR.MINOR.PATCH\" line"))
        .to_owned()
}

fn fail(why: &str) -> ! {
    eprintln!("criu-plugin-headers: {why}");
    std::process::exit(2);
}

fn main() {
    let mut check = false;
    let mut tree: Option<PathBuf> = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--check" => check = true,
            "-h" | "--help" => {
                println!("usage: criu-plugin-headers [--check] [SOURCE_TREE]");
                return;
            }
            _ if arg.starts_with('-') => fail(&format!("unknown option {arg}")),
            _ => tree = Some(PathBuf::from(arg)),
        }
    }
    let tree = tree
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .canonicalize()
        .unwrap_or_else(|e| fail(&format!("the source tree: {e}")));
    let tree_str = tree
        .to_str()
        .unwrap_or_else(|| fail("the source tree's path is not UTF-8"));
    let soversion = soversion(&tree);
    let files = [
        ("include/criu-plugin.h", plugin_header(tree_str)),
        (
            "include/criu-plugin-host.h",
            host_header(tree_str, &soversion),
        ),
        ("libcriu-plugin.map", version_script(&soversion)),
    ];
    let mut stale = 0;
    for (name, text) in files {
        let path = tree.join(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if check {
            eprintln!(
                "criu-plugin-headers: {name} is stale: the Rust definitions changed. Run `make headers` and commit the result."
            );
            stale += 1;
        } else {
            std::fs::write(&path, text)
                .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
            println!("wrote {name}");
        }
    }
    if stale > 0 {
        std::process::exit(1);
    }
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
fn version_script(sov: &str) -> String {
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
            major == sov,
            "LATER_NODES: node {version} is not of soname {sov}; a new soname starts with an empty table"
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
        "/*\n * libcriu-plugin.map: the version script of libcriu-plugin.so.{sov}.\n *\n * Every export of the C ABI (include/criu-plugin-host.h and\n * criu_get_image_dir()) with its symbol version node; nothing else is\n * exported. Generated by tools/headers (make headers); do not edit (README.md, \"ABI versioning\").\n */\n\n"
    );
    writeln!(out, "{} {{\n\tglobal:", node_name(sov)).unwrap();
    for name in exports.iter().filter(|n| !later.contains(n)) {
        writeln!(out, "\t\t{name};").unwrap();
    }
    out.push_str("\tlocal:\n\t\t*;\n};\n");
    let mut parent = node_name(sov);
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
            "/* Generated by tools/headers (make headers) from the Rust sources (cbindgen and src/hook_table.rs); do not edit. */".into(),
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

fn host_header(crate_dir: &str, sov: &str) -> String {
    let mut tail = String::from(
        "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n/*\n * Typed hook calls: each runs one hook like run_plugins() and returns the\n * first answer other than -ENOTSUP, or -ENOTSUP when no plugin handles it.\n */\n",
    );
    for h in HOOKS {
        writeln!(tail, "int {}({});", h.typed, h.cargs).unwrap();
    }
    tail.push_str("\n#ifdef __cplusplus\n}\n#endif\n");
    tail.push_str(HOST_MACROS);
    let prelude = HOST_PRELUDE.replace("@SOVERSION@", sov);
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
