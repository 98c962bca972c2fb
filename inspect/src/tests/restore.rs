//! `--images` (images.rs): CRIU's rule for taking recorded plugin names,
//! and the restore check's verdict, text and JSON.

use super::*;

fn recorded(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[test]
fn names_are_taken_by_criu_rule() {
    // Exact names, each plugin takes one.
    assert_eq!(
        take_names(&recorded(&["a", "b"]), &[Some(&b"b"[..]), Some(&b"a"[..])]),
        [Some(1), Some(0)]
    );
    // A recorded name that starts with a plugin's name counts as found; a
    // shorter one does not.
    assert_eq!(
        take_names(
            &recorded(&["cuda_plugin_v2", "cud"]),
            &[Some(&b"cuda_plugin"[..])]
        ),
        [Some(0), None]
    );
    // One plugin takes one name: the first left in CRIU's list order, the
    // reverse of the file's.
    assert_eq!(
        take_names(&recorded(&["ab", "abc"]), &[Some(&b"ab"[..])]),
        [None, Some(0)]
    );
    assert_eq!(
        take_names(&recorded(&["x", "x"]), &[Some(&b"x"[..])]),
        [None, Some(0)]
    );
    assert_eq!(
        take_names(&recorded(&["x", "x"]), &[Some(&b"x"[..]), Some(&b"x"[..])]),
        [Some(1), Some(0)]
    );
    // An empty name compares no byte: it takes any name. No name takes none.
    assert_eq!(
        take_names(&recorded(&["p", "q"]), &[None, Some(&b""[..])]),
        [None, Some(1)]
    );
    assert_eq!(
        take_names(&[], &[Some(&b"a"[..])]),
        Vec::<Option<usize>>::new()
    );
}

fn restore(names: Option<&[&str]>, files: Vec<FileReport>) -> RestoreCheck {
    let plugins = match names {
        Some(n) => inventory::Plugins::Recorded(recorded(n)),
        None => inventory::Plugins::NotRecorded,
    };
    let inv = inventory::Inventory {
        img_version: 2,
        plugins,
        lsmtype: None,
        pre_dump_mode: None,
        network_lock_method: None,
        tcp_close: None,
        allow_uprobes: None,
        dump_uptime: None,
        dump_criu_run_id: Some("run-1".into()),
        byte_order: inventory::ByteOrder::Little,
        trailing_bytes: 0,
    };
    let report = Report {
        files,
        ..sample_report()
    };
    RestoreCheck::new(
        Path::new("/img"),
        Path::new("/img/inventory.img"),
        inv,
        report,
    )
}

#[test]
fn restore_checks() {
    let files = || {
        vec![
            named(1, "/d/a.so", Some("good"), Status::Loads),
            named(2, "/d/b.so", Some("host"), Status::NeedsHost),
            named(
                3,
                "/d/c.so",
                Some("cuda_plugin"),
                Status::Refused("bad".into()),
            ),
        ]
    };
    fn ok(c: &RestoreCheck) -> (bool, i32, String) {
        (c.satisfied(), c.exit_status(), c.missing().join(" "))
    }
    // Refused files do not provide a name, and fail the restore on their own.
    let c = restore(Some(&["cuda_plugin", "good"]), files());
    assert_eq!(ok(&c), (false, 1, "cuda_plugin".into()));
    assert_eq!(c.providers, [None, Some(0)]);
    let t = render_restore_human(&c);
    assert!(t.contains("Missing required plugin: cuda_plugin\n"), "{t}");
    assert!(
        t.contains("c.so would be refused (bad), and 1 plugin(s)"),
        "{t}"
    );
    assert!(t.contains("provided by a.so (\"good\", loads)"), "{t}");
    assert!(
        t.contains("Loaded, but needed by no recorded name: b.so (\"host\")"),
        "{t}"
    );

    let mut good = files();
    good.truncate(2);
    let c = restore(Some(&["host", "good"]), good.clone());
    assert_eq!(ok(&c), (true, 0, String::new()));
    assert!(render_restore_human(&c).contains("would find every plugin the images need"));

    // Two missing: reported in CRIU's order, the reverse of the file's.
    let c = restore(Some(&["m1", "good", "m2"]), good.clone());
    assert_eq!(ok(&c), (false, 1, "m2 m1".into()));
    assert!(render_restore_human(&c).contains("2 plugins the images need are missing."));

    // No list: nothing is required. An empty list: likewise.
    let c = restore(None, good.clone());
    assert_eq!(ok(&c), (true, 0, String::new()));
    assert!(render_restore_human(&c).contains("no plugin is required"));
    let c = restore(Some(&[]), good.clone());
    assert_eq!(ok(&c), (true, 0, String::new()));
    // ... but a refused file still fails the restore.
    assert_eq!(ok(&restore(None, files())).1, 1);

    let j = render_restore_json(&restore(Some(&["cuda_plugin", "good"]), files()));
    for needle in [
        "{\n  \"schema\": 1,\n  \"images\": \"/img\",\n",
        "\"inventory\": \"/img/inventory.img\",",
        "\"img_version\": 2,",
        "\"dump_criu_run_id\": \"run-1\",",
        "\"plugins_recorded\": true,",
        "{\"name\": \"cuda_plugin\", \"provided_by\": null, \"provider_name\": null, \"provider_status\": null}",
        "{\"name\": \"good\", \"provided_by\": \"/d/a.so\", \"provider_name\": \"good\", \"provider_status\": \"loads\"}",
        "\"missing\": [\"cuda_plugin\"],",
        "\"unneeded\": [\"/d/b.so\"],",
        "\"satisfied\": false,",
        "\"exit_status\": 1,",
        "\"inspection\": {\n    \"schema\": 1,",
    ] {
        assert!(j.contains(needle), "JSON lacks {needle}:\n{j}");
    }
    assert_eq!(j.matches('{').count(), j.matches('}').count());
    assert!(render_restore_json(&restore(None, vec![])).contains("\"needed\": [],"));
}

#[test]
fn skipped_files_take_no_name() {
    let mut files = vec![
        named(1, "/d/a.so", Some("twin"), Status::Skipped("--skip".into())),
        named(2, "/d/b.so", Some("twin"), Status::Loads),
    ];
    mark_alternatives(&mut files);
    assert_eq!(files[1].status, Status::Loads);
    assert!(!files[0].status.would_load() && !files[0].status.is_refused());
    // Nor does a restore count them.
    let c = restore(Some(&["twin"]), files.clone());
    assert_eq!(c.providers, [Some(1)]);
    files.truncate(1);
    let c = restore(Some(&["twin"]), files);
    assert_eq!((c.satisfied(), c.exit_status()), (false, 1));
    assert!(c.unneeded().is_empty());
    let t = render_restore_human(&c);
    assert!(
        t.contains("twin  missing: a.so would provide it, but it is skipped (named in --skip)"),
        "{t}"
    );
    assert!(t.contains("Missing required plugin: twin\n"), "{t}");
}

#[test]
fn a_group_of_alternatives_provides_its_name_once() {
    let mut files = vec![
        named(
            1,
            "/d/cuda_plugin.so",
            Some("cuda_plugin"),
            Status::NeedsHost,
        ),
        named(
            2,
            "/d/cuda_plugin_legacy.so",
            Some("cuda_plugin"),
            Status::NeedsHost,
        ),
    ];
    mark_alternatives(&mut files);
    assert_eq!(
        files[1].status,
        Status::Alternative(b"/d/cuda_plugin.so".to_vec())
    );
    let c = restore(Some(&["cuda_plugin"]), files);
    // The alternative expected to start provides the name; the other is
    // no file the images do not need.
    assert_eq!(c.providers, [Some(0)]);
    assert!(c.satisfied(), "{:?}", c.providers);
    assert!(c.unneeded().is_empty());
}
