//! The Rust API's session: plugins loaded by `Session::init`, hook calls
//! without a lock, every other init and fini (the C ABI's included)
//! refused while it is open, and the plugins finalised at its end. A real C
//! plugin is compiled for it (gcc, as the C tests use).

use criu_plugin::api::{self, Answer, Session, Stage};
use std::ffi::c_int;
use std::path::{Path, PathBuf};
use std::process::Command;

unsafe extern "C" {
    fn cr_plugin_init(stage: c_int) -> c_int;
    fn cr_plugin_fini(stage: c_int, ret: c_int);
}

const PLUGIN: &str = r#"
#include <stdio.h>
#include "criu-plugin.h"
static int pause_devices(int pid) { return pid + 1; }
static void plugin_exit(int stage, int ret) { fprintf(stderr, "session-plugin exit %d %d\n", stage, ret); }
CR_PLUGIN_REGISTER("session-plugin", NULL, plugin_exit)
CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__PAUSE_DEVICES, pause_devices)
"#;

fn plugin_folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("criu-plugin-session-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("plugin.c");
    std::fs::write(&src, PLUGIN).unwrap();
    let include = concat!(env!("CARGO_MANIFEST_DIR"), "/include");
    let status = Command::new("gcc")
        .args([
            "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-I", include, "-o",
        ])
        .arg(dir.join("session.so"))
        .arg(&src)
        .status()
        .expect("gcc runs");
    assert!(status.success(), "the test plugin builds");
    std::fs::remove_file(&src).unwrap();
    dir
}

#[test]
fn a_session_owns_the_plugins_until_it_ends() {
    let dir = plugin_folder();
    api::set_libdir(Some(&dir)).expect("a path without NUL");
    // A path no C string can carry is an error and changes nothing: the
    // session below still loads from `dir`.
    let nul = api::set_libdir(Some(Path::new("/nowhere\0/else"))).unwrap_err();
    assert_eq!(
        nul.to_string(),
        "the path \"/nowhere\\0/else\" holds a NUL byte"
    );

    let session = Session::init(Stage::Dump).expect("the plugins load");
    assert_eq!(session.pause_devices(41), Answer::Handled(42));
    assert_eq!(session.checkpoint_devices(1), Answer::Declined);
    let names: Vec<String> = session.plugins().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["session-plugin"]);

    // One session at a time, and nothing else may load or unload meanwhile.
    assert!(Session::init(Stage::Dump).is_err());
    assert!(api::init(Stage::Dump).is_err());
    api::fini(Stage::Dump, 0);
    // SAFETY: the C entry points take plain values.
    unsafe {
        assert_eq!(cr_plugin_init(0), -1);
        cr_plugin_fini(0, 0);
    }
    assert_eq!(session.pause_devices(1), Answer::Handled(2), "still loaded");

    session.finish(0);
    assert!(api::plugins().is_empty());
    assert_eq!(api::pause_devices(1), Answer::Declined);

    // After it, the free functions work again, and so does a new session,
    // which a drop ends.
    api::init(Stage::Dump).expect("init after the session");
    assert_eq!(api::pause_devices(9), Answer::Handled(10));
    api::fini(Stage::Dump, 0);
    {
        let again = Session::init(Stage::Restore).expect("a second session");
        assert_eq!(again.pause_devices(2), Answer::Handled(3));
    }
    assert!(api::plugins().is_empty());
    api::set_libdir(None).expect("clearing cannot fail");
    std::fs::remove_dir_all(&dir).unwrap();
}
