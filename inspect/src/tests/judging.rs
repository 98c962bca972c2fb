//! Judging a file as CRIU's loader would (judge.rs): loads, refusals in
//! the loader's order, hosts' symbols, skips, trust, duplicate names.

use super::*;

#[test]
fn judges_a_good_plugin() {
    let hooks = HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking);
    let r = judge(
        &evidence(
            "/d/a.so",
            Some(loaded_record("good", hooks)),
            Ending::Exited(0),
        ),
        false,
    );
    assert_eq!(r.status, Status::Loads);
    assert_eq!(r.file, b"a.so");
    assert_eq!(r.name.as_deref(), Some(&b"good"[..]));
    assert_eq!(r.hooks, Some(hooks));
    assert!(r.hooks_complete && r.loaded);
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));
    assert_eq!(r.loader_name().as_deref(), Some(&b"good"[..]));
}

#[test]
fn judges_refusals_in_the_loaders_order() {
    let mut rec = loaded_record("new", HookSet::empty());
    rec.version = Some(gen_version(0, 3, 0));
    let r = judge(&evidence("/d/n.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(
        r.status,
        Status::Refused("version 0.3.0 is newer than the supported 0.2.0".into())
    );

    let mut rec = loaded_record("big", HookSet::empty());
    rec.max_hooks = Some(20);
    rec.hooks = None;
    let r = judge(&evidence("/d/b.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(
        r.status,
        Status::Refused("max_hooks 20 is more than the supported 15".into())
    );
    assert_eq!(r.hooks, None);

    // Trust comes first; in strict mode it is the reason.
    let mut ev = evidence(
        "/d/u.so",
        Some(loaded_record("u", HookSet::empty())),
        Ending::Exited(0),
    );
    ev.untrusted = Some("is writable by others (mode 0646)".into());
    assert_eq!(judge(&ev, false).status, Status::Loads);
    assert_eq!(
        judge(&ev, false).warnings,
        ["Plugin file /d/u.so is writable by others (mode 0646)"]
    );
    assert_eq!(
        judge(&ev, true).status,
        Status::Refused(
            "Plugin file /d/u.so is writable by others (mode 0646) (strict mode)".into()
        )
    );
}

#[test]
fn judges_files_that_do_not_load() {
    // Not ELF.
    let mut ev = evidence(
        "/d/e.so",
        Some(Record {
            dlerror: Some("/d/e.so: file too short".into()),
            end: true,
            ..Record::default()
        }),
        Ending::Exited(0),
    );
    ev.facts = FileFacts::unusable("not an ELF file");
    let r = judge(&ev, false);
    assert_eq!(
        r.status,
        Status::Refused("not an ELF file (dlopen: /d/e.so: file too short)".into())
    );
    assert_eq!(r.kind, None);

    // Another dlopen error.
    ev.facts = FileFacts::default();
    ev.run.as_mut().unwrap().record.dlerror =
        Some("libdrm.so.2: cannot open shared object file".into());
    assert_eq!(
        judge(&ev, false).status,
        Status::Refused("Unable to load: libdrm.so.2: cannot open shared object file".into())
    );

    // A crash in the constructors still shows what the file says.
    let mut ev = evidence("/d/c.so", Some(Record::default()), Ending::Signalled(11));
    ev.facts = static_facts("crash", CRIU_PLUGIN_VERSION);
    let r = judge(&ev, false);
    assert_eq!(
        r.status,
        Status::Refused("crashed in its constructors: signal 11 (SIGSEGV)".into())
    );
    assert_eq!(r.name.as_deref(), Some(&b"crash"[..]));
    assert!(!r.loaded && !r.hooks_complete);

    // Crashed after dlopen returned.
    let rec = Record {
        opened: true,
        kind: Some(Kind::Descriptor),
        ..Record::default()
    };
    let r = judge(&evidence("/d/c.so", Some(rec), Ending::Signalled(7)), false);
    assert_eq!(
        r.status,
        Status::Refused("crashed while its descriptor was read: signal 7 (SIGBUS)".into())
    );
}

#[test]
fn judges_plugins_that_need_criu() {
    // Data symbol: dlopen fails; the file is read instead.
    let mut ev = evidence(
        "/d/g.so",
        Some(Record {
            dlerror: Some("/d/g.so: undefined symbol: opts".into()),
            missing: vec!["print_on_level".into()],
            end: true,
            ..Record::default()
        }),
        Ending::Exited(0),
    );
    ev.facts = static_facts("gpu", CRIU_PLUGIN_VERSION);
    let r = judge(&ev, false);
    assert_eq!(r.status, Status::NeedsHost);
    assert_eq!(r.missing_symbols, ["opts", "print_on_level"]);
    assert_eq!(r.name.as_deref(), Some(&b"gpu"[..]));
    assert_eq!(r.hooks, Some(HookSet::of(Hook::DumpExtFile)));
    assert!(!r.hooks_complete && !r.loaded);
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));

    // ... and it is still refused when what the file says is wrong.
    ev.facts = static_facts("gpu", gen_version(1, 0, 0));
    assert_eq!(
        judge(&ev, false).status,
        Status::Refused("version 1.0.0 is newer than the supported 0.2.0".into())
    );

    // Functions only: loads lazily, hooks known.
    let mut rec = loaded_record("fn", HookSet::of(Hook::RestoreExtFile));
    rec.missing = vec!["print_on_level".into()];
    let r = judge(&evidence("/d/k.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(r.status, Status::NeedsHost);
    assert!(r.loaded && r.hooks_complete);
}

#[test]
fn judges_legacy_and_untrusted_files_from_the_file() {
    let mut ev = evidence("/d/l.so", None, Ending::Exited(0));
    ev.facts = FileFacts {
        plugin: Some(probe::FilePlugin::Legacy {
            hooks: HookSet::of(Hook::DumpExtFile),
            init: true,
            exit: false,
        }),
        ..FileFacts::default()
    };
    ev.untrusted = Some("is writable by its group (mode 0664)".into());
    ev.not_run = Some("not loaded".into());
    let r = judge(&ev, false);
    assert_eq!(r.status, Status::NotLoaded);
    assert_eq!(r.kind, Some(Kind::Legacy));
    assert_eq!(r.name.as_deref(), Some(&b"/d/l.so"[..]));
    assert_eq!(r.version, Some(CRIU_PLUGIN_VERSION_OLD));
    assert_eq!(r.hooks, Some(HookSet::of(Hook::DumpExtFile)));
    assert!(r.hooks_complete);
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));
    assert_eq!(r.warnings.len(), 2);
    assert!(judge(&ev, true).status.is_refused());
}

#[test]
fn judges_bad_descriptor_symbols_before_their_fields() {
    // Seen by the child: the loader's sentence, no field read.
    let rec = Record {
        opened: true,
        kind: Some(Kind::Descriptor),
        bad_symbol: Some("CR_PLUGIN_DESC is 8 bytes, too small for a descriptor (32 bytes)".into()),
        end: true,
        ..Record::default()
    };
    let r = judge(&evidence("/d/s.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(
        r.status,
        Status::Refused("CR_PLUGIN_DESC is 8 bytes, too small for a descriptor (32 bytes)".into())
    );
    assert_eq!((r.version, r.max_hooks, r.name_known), (None, None, false));

    // Read from the file only (dlopen failed on CRIU's symbols).
    let mut ev = evidence(
        "/d/s.so",
        Some(Record {
            dlerror: Some("/d/s.so: undefined symbol: opts".into()),
            end: true,
            ..Record::default()
        }),
        Ending::Exited(0),
    );
    let mut facts = static_facts("s", CRIU_PLUGIN_VERSION);
    if let Some(probe::FilePlugin::Descriptor(d)) = facts.plugin.as_mut() {
        d.bad = Some(probe::BadSymbol::TooSmallForHooks {
            size: 112,
            max_hooks: 15,
        });
    }
    ev.facts = facts;
    assert_eq!(
        judge(&ev, false).status,
        Status::Refused(
            "CR_PLUGIN_DESC is 112 bytes, too small for max_hooks 15 (152 bytes)".into()
        )
    );
    // ... and when the tool did not load it (untrusted).
    ev.run = None;
    ev.not_run = Some("not loaded".into());
    assert!(judge(&ev, false).status.is_refused());
}

#[test]
fn judges_files_the_loader_refuses_before_dlopen() {
    // Not a regular file: the loader's first check, before trust.
    let mut ev = evidence("/d/f.so", None, Ending::Exited(0));
    ev.facts = FileFacts::unloadable(Unloadable::NotRegular("a FIFO"));
    let fifo = Status::Refused("it is a FIFO, not a regular file".into());
    let r = judge(&ev, false);
    assert_eq!(r.status, fifo);
    assert_eq!(r.kind, None);
    ev.untrusted = Some("is writable by others (mode 0646)".into());
    assert_eq!(judge(&ev, true).status, fifo);
    assert!(judge(&ev, false).warnings.is_empty());

    // Truncated: after trust.
    let cut = "it is truncated: its loadable segments need 12472 bytes, the file has 4000";
    ev.facts = FileFacts::unloadable(Unloadable::Truncated(cut.into()));
    assert_eq!(
        judge(&ev, true).status,
        Status::Refused(
            "Plugin file /d/f.so is writable by others (mode 0646) (strict mode)".into()
        )
    );
    let r = judge(&ev, false);
    assert_eq!(r.status, Status::Refused(cut.into()));
    assert_eq!(r.warnings.len(), 1);
}

#[test]
fn judges_skipped_files_before_trust() {
    let mut ev = evidence("/d/s.so", None, Ending::Exited(0));
    ev.facts = static_facts("gpu", gen_version(0, 3, 0));
    ev.untrusted = Some("is writable by others (mode 0646)".into());
    ev.path_concern = Some("Plugin file /d/s.so: folder /x on the path to its target ...".into());
    ev.skipped_by = Some("CRIU_PLUGIN_SKIP".into());
    ev.not_run = Some("not loaded by the inspector: named in CRIU_PLUGIN_SKIP".into());
    // Never opened: no trust warning, no refusal (not even its version),
    // in strict mode too; what the file says is still shown.
    for strict in [false, true] {
        let r = judge(&ev, strict);
        assert_eq!(r.status, Status::Skipped("CRIU_PLUGIN_SKIP".into()));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(r.name.as_deref(), Some(&b"gpu"[..]));
        assert!(!r.loaded);
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("named in CRIU_PLUGIN_SKIP"))
        );
    }
    // A file that is not a regular file is refused before the skip list.
    ev.facts = FileFacts::unloadable(Unloadable::NotRegular("a FIFO"));
    assert!(judge(&ev, false).status.is_refused());
}

#[test]
fn judges_the_path_to_a_linked_file_after_the_file() {
    let mut ev = evidence(
        "/d/l.so",
        Some(loaded_record("l", HookSet::empty())),
        Ending::Exited(0),
    );
    let link = "Plugin file /d/l.so: folder /home/u on the path to its target is owned by uid 1000, neither root nor the effective user 0";
    ev.path_concern = Some(link.into());
    let r = judge(&ev, false);
    assert_eq!(r.status, Status::Loads);
    assert_eq!(r.warnings, [link]);
    assert_eq!(
        judge(&ev, true).status,
        Status::Refused(format!("{link} (strict mode)"))
    );
    // The file's own trust comes first: in strict mode it is the reason.
    ev.untrusted = Some("is writable by others (mode 0646)".into());
    let r = judge(&ev, false);
    assert_eq!(r.warnings.len(), 2);
    assert!(r.warnings[0].starts_with("Plugin file /d/l.so is writable"));
    assert_eq!(
        judge(&ev, true).status,
        Status::Refused(
            "Plugin file /d/l.so is writable by others (mode 0646) (strict mode)".into()
        )
    );
}

#[test]
fn files_of_one_name_are_alternatives_in_load_order() {
    let mut files = vec![
        named(1, "/d/0.so", Some("twin"), Status::Refused("bad".into())),
        named(2, "/d/a.so", Some("twin"), Status::Loads),
        named(3, "/d/b.so", Some("other"), Status::NeedsHost),
        named(4, "/d/c.so", Some("twin"), Status::Loads),
        named(5, "/d/d.so", Some("twin"), Status::NotLoaded),
        named(6, "/d/e.so", None, Status::Loads),
        named(7, "/d/f.so", Some("/d/e.so"), Status::Loads),
    ];
    let mut unknown = FileReport::new(8, b"/d/g.so");
    unknown.kind = Some(Kind::Descriptor);
    files.push(unknown);
    mark_alternatives(&mut files);
    let verdicts: Vec<_> = files.iter().map(|f| f.status.word()).collect();
    assert_eq!(
        verdicts,
        [
            "refused",
            "loads",
            "needs-host",
            "alternative",
            "alternative",
            "loads",
            "alternative",
            "loads"
        ]
    );
    // The refused file is no alternative: the first that would start is.
    assert_eq!(files[3].status, Status::Alternative(b"/d/a.so".to_vec()));
    let twins: Vec<&[u8]> = vec![b"/d/a.so", b"/d/c.so", b"/d/d.so"];
    for i in [1, 3, 4] {
        assert_eq!(files[i].alternatives, twins, "{i}");
    }
    assert!(files[0].alternatives.is_empty() && files[2].alternatives.is_empty());
    // A nameless descriptor goes by its path, as in the loader.
    assert_eq!(files[6].status, Status::Alternative(b"/d/e.so".to_vec()));
    assert_eq!(files[5].alternatives, [&b"/d/e.so"[..], b"/d/f.so"]);
}
